package io.stowage.process;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.stowage.TestDatabase;

/**
 * Stowage as its own operating-system process, run from the packaged jar exactly as a user runs it
 * (embedded PostgreSQL included), for tests that limit its memory, measure it, or kill it.
 */
public final class StowageProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private StowageProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the jar with the given JVM options on a free port and waits until {@code GET /v2/} answers (200, or 401). */
    static StowageProcess start(Path dataDir, String... jvmOptions) throws IOException, InterruptedException {
        return start(dataDir, List.of(jvmOptions), List.of());
    }

    /**
     * Like {@link #start(Path, String...)}, with application arguments ({@code --key=value}) after the jar, e.g.
     * an external database and S3 storage for several nodes sharing them.
     */
    public static StowageProcess start(Path dataDir, List<String> jvmOptions, List<String> arguments)
            throws IOException, InterruptedException {
        String jar = System.getProperty("stowage.test.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("the packaged jar is needed (run through 'mvnw verify'): " + jar);
        }
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar, "--server.port=" + port, "--stowage.data-dir=" + dataDir));
        if (arguments.stream().noneMatch(a -> a.startsWith("--management.server.port="))) {
            command.add("--management.server.port=" + freePort()); // several nodes run side by side
        }
        if (arguments.stream().noneMatch(a -> a.startsWith("--stowage.auth.mode="))) {
            command.add("--stowage.auth.mode=none"); // these tests are about storage and processes, not access
        }
        command.addAll(arguments);
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve("stowage-" + Instant.now().toEpochMilli() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        StowageProcess stowage = new StowageProcess(process, port, log);
        stowage.awaitReady(Duration.ofMinutes(2));
        return stowage;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** One key-encryption key for every node of these tests, as a cluster's nodes must share one. */
    private static final String KEY_ENCRYPTION_KEY = randomKey();

    /**
     * Arguments for a node on the tests' PostgreSQL ({@link TestDatabase}) in a schema of its own: nodes given the same
     * schema share their metadata (and the key-encryption key of their signing keys) like a cluster, and nothing of
     * the in-JVM suites is seen.
     */
    public static List<String> databaseArguments(String schema) {
        return List.of(
                "--stowage.auth.key-encryption.key=" + KEY_ENCRYPTION_KEY,
                "--spring.datasource.url=" + TestDatabase.jdbcUrl(),
                "--spring.datasource.username=" + TestDatabase.username(),
                "--spring.datasource.password=" + TestDatabase.password(),
                "--spring.datasource.hikari.schema=" + schema,
                "--spring.datasource.hikari.maximum-pool-size=5",
                "--spring.flyway.schemas=" + schema,
                "--spring.flyway.default-schema=" + schema);
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** Peak resident set size of the JVM so far, in bytes (VmHWM). */
    long peakRssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmHWM for " + process.pid());
    }

    /** SIGTERM, as an orchestrator stops a container, and the exit status once the process is gone. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("Stowage did not stop within 90 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** kill -9: no shutdown hooks, no flushing; what a power cut or the OOM killer does to the JVM. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: graceful shutdown, which also stops the embedded PostgreSQL
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Stowage exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<Void> response = client.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/v2/")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                // 401: token auth is on, and the node answers as it should.
                if (response.statusCode() == 200 || response.statusCode() == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Stowage did not become ready in " + timeout + ":\n" + log());
    }
}
