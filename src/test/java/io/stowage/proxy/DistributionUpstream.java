package io.stowage.proxy;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * CNCF distribution 2.8.2 (Debian's {@code docker-registry}) on a loopback port, with filesystem storage in a fresh
 * directory and htpasswd basic auth for one user: the upstream a pull-through cache meets most. Under CI
 * ({@code CI=true}) a missing binary fails the test; elsewhere it skips it.
 */
public final class DistributionUpstream implements AutoCloseable {

    static final String BINARY = "/usr/bin/docker-registry";

    private final Path dir;
    private Process process;
    private final URI url;

    private DistributionUpstream(Path dir, Process process, URI url) {
        this.dir = dir;
        this.process = process;
        this.url = url;
    }

    public static DistributionUpstream start(String username, String password) throws Exception {
        if (!Files.isExecutable(Path.of(BINARY))) {
            String message = BINARY + " is not installed (Debian package docker-registry; `.ci/run` installs it)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + ", and CI=true requires every upstream test to run");
            }
            assumeTrue(false, message);
        }
        Path dir = Files.createTempDirectory("stowage-upstream-distribution");
        Files.writeString(dir.resolve("htpasswd"), username + ":" + new BCryptPasswordEncoder(4).encode(password)
                + "\n");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: false
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                auth:
                  htpasswd:
                    realm: upstream-test
                    path: %s
                """.formatted(dir.resolve("data"), port, dir.resolve("htpasswd")));
        URI url = URI.create("http://127.0.0.1:" + port);
        DistributionUpstream upstream = new DistributionUpstream(dir, launch(dir), url);
        upstream.awaitReady();
        return upstream;
    }

    private static Process launch(Path dir) throws IOException {
        return new ProcessBuilder(BINARY, "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile())).start();
    }

    public URI url() {
        return url;
    }

    /** {@code 127.0.0.1:<port>}, as skopeo names the registry. */
    public String host() {
        return url.getAuthority();
    }

    /** Stops the registry; {@link #restart} brings it back on the same port with the same content. */
    public void stop() throws Exception {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    public void restart() throws Exception {
        process = launch(dir);
        awaitReady();
    }

    /**
     * The requests the registry answered with 2xx so far ({@code "METHOD /path"}, in order), from its access log: what
     * a cache in front of it was served (not the 401 challenges that precede a client's credentials).
     */
    public java.util.List<String> requests() throws IOException, InterruptedException {
        // The registry writes its access log a moment after answering: read until two reads agree.
        java.util.List<String> seen = readRequests();
        while (true) {
            Thread.sleep(200);
            java.util.List<String> again = readRequests();
            if (again.size() == seen.size()) {
                return again;
            }
            seen = again;
        }
    }

    /** The requests logged from the {@code from}-th on: what came since an earlier {@code requests().size()}. */
    public java.util.List<String> requestsSince(int from) throws IOException, InterruptedException {
        java.util.List<String> all = requests();
        return all.subList(Math.min(from, all.size()), all.size());
    }

    private java.util.List<String> readRequests() throws IOException {
        java.util.regex.Pattern request = java.util.regex.Pattern.compile(
                "\"(GET|HEAD|POST|PUT|PATCH|DELETE) ([^ \"]+) [^\"]*\" 2\\d\\d ");
        java.util.List<String> requests = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("registry.log"))) {
            java.util.regex.Matcher matcher = request.matcher(line);
            if (matcher.find()) {
                requests.add(matcher.group(1) + " " + matcher.group(2));
            }
        }
        return requests;
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                fail("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url.resolve("/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 401 || response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail("docker-registry did not answer within 30 s: " + Files.readString(dir.resolve("registry.log")));
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
