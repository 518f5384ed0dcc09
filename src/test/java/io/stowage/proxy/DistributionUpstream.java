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
final class DistributionUpstream implements AutoCloseable {

    static final String BINARY = "/usr/bin/docker-registry";

    private final Path dir;
    private final Process process;
    private final URI url;

    private DistributionUpstream(Path dir, Process process, URI url) {
        this.dir = dir;
        this.process = process;
        this.url = url;
    }

    static DistributionUpstream start(String username, String password) throws Exception {
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
        Process process = new ProcessBuilder(BINARY, "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        URI url = URI.create("http://127.0.0.1:" + port);
        DistributionUpstream upstream = new DistributionUpstream(dir, process, url);
        upstream.awaitReady();
        return upstream;
    }

    URI url() {
        return url;
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
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
