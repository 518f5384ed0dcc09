package io.stowage.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL of the test's own on a fixed port, which it can stop as abruptly as a crash ({@code pg_ctl stop -m
 * immediate}: every backend killed, no checkpoint) and start again on the same data directory and port, as an
 * operator restarting a failed database would. Not {@code io.stowage.TestDatabase}: the other tests share that one.
 */
final class RestartablePostgres implements AutoCloseable {

    private final Path dataDir;
    private final EmbeddedPostgres server;
    private final int port;
    private Path pgCtl;

    private RestartablePostgres(Path dataDir, EmbeddedPostgres server, int port) {
        this.dataDir = dataDir;
        this.server = server;
        this.port = port;
    }

    static RestartablePostgres start(Path dataDir, int port) throws IOException {
        // Durable like Stowage's own embedded server (zonky's defaults, made for throwaway databases, would lose the
        // last commits in a crash, pushes the clients were told had succeeded).
        EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setPort(port).setServerConfig("max_connections", "100").setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on").setServerConfig("full_page_writes", "on").start();
        return new RestartablePostgres(dataDir, server, port);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** What a crash does: the server and every connection gone at once. */
    void stopImmediately() throws IOException, InterruptedException {
        if (pgCtl == null) {
            // zonky extracts its binaries under java.io.tmpdir (embedded-pg/PG-<digest>/bin): pg_ctl is next to the
            // running postgres, whose pid is the first line of postmaster.pid.
            long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().trim());
            pgCtl = Path.of(ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElseThrow(() ->
                    new IllegalStateException("cannot tell where the postgres binary of pid " + pid + " is")))
                    .resolveSibling("pg_ctl");
        }
        pgCtl("-m", "immediate", "-w", "stop");
    }

    /**
     * Starts it again after {@link #stopImmediately()}, with the options it last ran with (postmaster.opts, which
     * pg_ctl restart reads when no server runs); it recovers from its WAL first. zonky's instance stops it at the end.
     */
    void restart() throws IOException, InterruptedException {
        pgCtl("-w", "restart");
    }

    private void pgCtl(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U")); // pg_ctl refuses to run as root; zonky runs it so too
        }
        command.addAll(List.of(pgCtl.toString(), "-D", dataDir.toString()));
        command.addAll(List.of(arguments));
        // The server started by a restart writes to this file: nothing waits on a pipe nobody reads.
        Path output = dataDir.resolveSibling("pg_ctl.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("pg_ctl " + String.join(" ", arguments) + " failed: "
                    + Files.readString(output));
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
