package io.stowage.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.stowage.registry.Digest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the upstream client makes of answers real registries give now and then, from an HTTP server on loopback:
 * rate limits, failures, a digest that does not hold, a server that does not answer, a redirect to a CDN, and
 * Docker's token flow with a token's lifetime.
 */
class RegistryClientProtocolTest {

    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(server -> server.stop(0));
    }

    private URI serve(HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void answer(HttpExchange exchange, int status, byte[] body, String... headers) throws IOException {
        for (int i = 0; i < headers.length; i += 2) {
            exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    @Test
    void rateLimitsAndFailuresAreNamed() throws Exception {
        URI limited = serve(exchange -> answer(exchange, 429, new byte[0], "Retry-After", "7"));
        assertThatThrownBy(() -> new RegistryClient(limited, null, Duration.ofSeconds(5)).headManifest("a/b", "1"))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.problem()).isEqualTo(UpstreamException.Problem.RATE_LIMITED);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
                });
        URI failing = serve(exchange -> answer(exchange, 503, new byte[0]));
        assertThatThrownBy(() -> new RegistryClient(failing, null, Duration.ofSeconds(5)).getManifest("a/b", "1"))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.problem()).isEqualTo(UpstreamException.Problem.SERVER_ERROR));
    }

    @Test
    void aManifestWhoseBytesAreNotItsDigestIsRefused() throws Exception {
        byte[] claimed = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.compute("sha256", claimed);
        URI lying = serve(exchange -> answer(exchange, 200, "{\"schemaVersion\":3}".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/vnd.oci.image.manifest.v1+json", "Docker-Content-Digest",
                digest.toString()));
        RegistryClient client = new RegistryClient(lying, null, Duration.ofSeconds(5));
        for (String reference : new String[] {digest.toString(), "latest"}) {
            assertThatThrownBy(() -> client.getManifest("a/b", reference)).isInstanceOfSatisfying(
                    UpstreamException.class, e -> {
                        assertThat(e.problem()).isEqualTo(UpstreamException.Problem.INVALID_RESPONSE);
                        assertThat(e.getMessage()).contains("not " + digest);
                    });
        }
    }

    @Test
    void anUpstreamThatDoesNotAnswerTimesOut() throws Exception {
        URI silent = serve(exchange -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        long started = System.nanoTime();
        assertThatThrownBy(() -> new RegistryClient(silent, null, Duration.ofMillis(500)).headManifest("a/b", "1"))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.problem()).isEqualTo(UpstreamException.Problem.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aRedirectedBlobIsFetchedWithoutTheUpstreamsCredentials() throws Exception {
        byte[] layer = "layer bytes".getBytes(StandardCharsets.UTF_8);
        List<String> cdnAuthorizations = new CopyOnWriteArrayList<>();
        URI cdn = serve(exchange -> {
            cdnAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            answer(exchange, 200, layer);
        });
        URI upstream = serve(exchange -> {
            if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
                answer(exchange, 401, new byte[0], "WWW-Authenticate", "Basic realm=\"upstream\"");
            } else {
                answer(exchange, 307, new byte[0], "Location", cdn + "/blob?signature=abc");
            }
        });
        RegistryClient client = new RegistryClient(upstream, new RegistryClient.Credentials("u", "p"),
                Duration.ofSeconds(5));
        try (RegistryClient.Blob blob = client.openBlob("a/b", Digest.compute("sha256", layer)).orElseThrow()) {
            assertThat(blob.body().readAllBytes()).isEqualTo(layer);
        }
        assertThat(cdnAuthorizations).containsExactly("null");
    }

    @Test
    void aBearerTokenIsFetchedOnceAndUsedUntilItExpires() throws Exception {
        List<String> tokenQueries = new CopyOnWriteArrayList<>();
        URI realm = serve(exchange -> {
            tokenQueries.add(exchange.getRequestURI().getRawQuery() + " " + exchange.getRequestHeaders()
                    .getFirst("Authorization"));
            answer(exchange, 200, "{\"token\":\"t-1\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8));
        });
        byte[] manifest = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.compute("sha256", manifest);
        URI upstream = serve(exchange -> {
            if (!"Bearer t-1".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, new byte[0], "WWW-Authenticate", "Bearer realm=\"" + realm
                        + "/token\",service=\"upstream.test\",scope=\"repository:library/app:pull\"");
            } else {
                answer(exchange, 200, manifest, "Content-Type", "application/vnd.oci.image.manifest.v1+json",
                        "Docker-Content-Digest", digest.toString());
            }
        });
        RegistryClient client = new RegistryClient(upstream, new RegistryClient.Credentials("u", "p"),
                Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            assertThat(client.getManifest("library/app", "latest").orElseThrow().payload()).isEqualTo(manifest);
        }
        assertThat(tokenQueries).containsExactly("service=upstream.test&scope=repository%3Alibrary%2Fapp%3Apull "
                + new RegistryClient.Credentials("u", "p").basic());
    }
}
