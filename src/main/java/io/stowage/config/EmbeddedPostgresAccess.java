package io.stowage.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.util.LinuxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect to the embedded PostgreSQL: Stowage alone. The library creates its clusters with {@code trust}
 * for every local connection, which lets any local user in as the superuser (and from there read the signing keys
 * and run programs with {@code COPY … TO PROGRAM}). Before the server starts, this replaces the cluster's
 * {@code pg_hba.conf} with SCRAM password authentication on the loopback addresses and nothing else, and gives the
 * superuser a generated password kept, readable by the owner only, in {@code <data-dir>/postgres.password}.
 *
 * <p>The password is set in single-user mode, with the server down, so that no moment exists in which the server
 * listens and trusts anyone: on a new cluster, on one created by an earlier version (whose {@code pg_hba.conf} is not
 * ours), and when the password file was removed.
 */
final class EmbeddedPostgresAccess {

    static final String PASSWORD_FILE = "postgres.password";
    static final String SUPERUSER = "postgres";
    /** The first line of every {@code pg_hba.conf} written here: a file without it was not. */
    static final String MARKER = "# Written by Stowage at every start: SCRAM passwords on loopback only, never trust.";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresAccess.class);

    private final Path passwordFile;
    private final String password;
    private final boolean generated;

    private EmbeddedPostgresAccess(Path passwordFile, String password, boolean generated) {
        this.passwordFile = passwordFile;
        this.password = password;
        this.generated = generated;
    }

    /** The superuser's password from {@code <data-dir>/postgres.password}, generated there when absent. */
    static EmbeddedPostgresAccess forDataDirectory(Path dataDir) throws IOException {
        Path file = dataDir.resolve(PASSWORD_FILE);
        var existing = PrivateFiles.readSecret(file);
        if (existing.isPresent()) {
            return new EmbeddedPostgresAccess(file, existing.get(), false);
        }
        String password = PrivateFiles.randomSecret(32);
        PrivateFiles.writeSecret(file, password);
        return new EmbeddedPostgresAccess(file, password, true);
    }

    String password() {
        return password;
    }

    /**
     * Secures a cluster whose server is not running: sets the superuser's password unless this cluster already has
     * it (our {@code pg_hba.conf} and a password file from before), then writes {@code pg_hba.conf}.
     */
    void secure(Path cluster, Path bin) {
        Path hba = cluster.resolve("pg_hba.conf");
        try {
            boolean ours = Files.isRegularFile(hba) && Files.readString(hba, StandardCharsets.UTF_8).startsWith(MARKER);
            if (!ours || generated) {
                log.info("Setting the embedded PostgreSQL's superuser password (kept in {}); only password"
                        + " authentication on loopback is allowed from now on", passwordFile);
                setPassword(cluster, bin);
            }
            Path temporary = hba.resolveSibling("pg_hba.conf.tmp");
            Files.writeString(temporary, hbaConf(), StandardCharsets.UTF_8);
            PrivateFiles.restrict(temporary, PrivateFiles.FILE);
            Files.move(temporary, hba, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot secure the embedded PostgreSQL cluster in " + cluster, e);
        }
    }

    /** Every connection needs the password; there are no Unix sockets, and nothing is accepted beyond loopback. */
    static String hbaConf() {
        return MARKER + "\n"
                + "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
                + "local   all       all                 scram-sha-256\n"
                + "host    all       all   127.0.0.1/32  scram-sha-256\n"
                + "host    all       all   ::1/128       scram-sha-256\n";
    }

    private void setPassword(Path cluster, Path bin) throws IOException {
        List<String> command = new ArrayList<>();
        // The library runs PostgreSQL in a user namespace when Stowage runs as root (PostgreSQL refuses root).
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(bin.resolve("postgres").toString(), "--single", "-D", cluster.toString(), SUPERUSER));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // The plain password goes to the server's stdin only; it stores the SCRAM verifier, never the password.
        try (var stdin = process.getOutputStream()) {
            stdin.write(("SET password_encryption = 'scram-sha-256';\n"
                    + "ALTER ROLE " + SUPERUSER + " WITH PASSWORD '" + password + "';\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("PostgreSQL in single-user mode did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while setting the database password", e);
        }
        if (process.exitValue() != 0 || output.contains("ERROR:") || output.contains("FATAL:")) {
            throw new IOException("PostgreSQL in single-user mode failed (exit " + process.exitValue() + "): "
                    + output.replace(password, "********").strip());
        }
    }
}
