package io.stowage.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import io.stowage.proxy.DistributionUpstream;
import io.stowage.proxy.UpstreamImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Concurrent pulls of one uncached 256 MiB blob through the pull-through cache, from the packaged jar: two nodes
 * sharing PostgreSQL and blob storage, in front of CNCF distribution behind a relay that passes its answers on at
 * 64 MiB/s (about 4 s for the blob), as an upstream across the internet would. The upstream's access log counts what
 * the cache fetched.
 */
class PullThroughClusterIT {

    private static final String SCHEMA = "stowage_pull_through";
    private static final String USER = "puller";
    private static final String PASSWORD = "puller-password";
    private static final int SIZE = 256 * 1024 * 1024;
    private static final long RATE = 64L * 1024 * 1024;

    private static Path dir;
    private static DistributionUpstream upstream;
    private static ThrottledRelay relay;
    private static StowageProcess a;
    private static StowageProcess b;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("stowage-pull-through");
        upstream = DistributionUpstream.start(USER, PASSWORD);
        relay = ThrottledRelay.start(upstream.url(), RATE);
        a = node("a");
        b = node("b");
    }

    private static StowageProcess node(String name) throws Exception {
        List<String> arguments = new ArrayList<>(StowageProcess.databaseArguments(SCHEMA));
        arguments.addAll(List.of(
                "--stowage.storage.filesystem.root=" + dir.resolve("shared-blobs"),
                "--stowage.proxy.upstreams.slow.url=" + relay.url(),
                "--stowage.proxy.upstreams.slow.namespace=slow",
                "--stowage.proxy.upstreams.slow.username=" + USER,
                "--stowage.proxy.upstreams.slow.password=" + PASSWORD));
        return StowageProcess.start(dir.resolve(name), List.of("-XX:+UseSerialGC", "-Xmx256m"), arguments);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, relay, upstream}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void twentyClientsOfOneNodeCostOneTransferAndGetBytesBeforeItEnds() throws Exception {
        Blob blob = pushBig("library/big-one", 1);
        List<CompletableFuture<Pull>> pulls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pulls.add(pull(a, "slow/library/big-one", blob.digest()));
        }
        List<Pull> done = pulls.stream().map(CompletableFuture::join).toList();
        long relayDone = relay.lastAnswerByteNanos();

        for (Pull pull : done) {
            assertThat(pull.status()).isEqualTo(200);
            assertThat(pull.digest()).isEqualTo(blob.digest());
        }
        assertThat(blobGets("library/big-one", blob.digest())).as("transfers from the upstream").isEqualTo(1);
        long firstByte = done.stream().mapToLong(Pull::firstByteNanos).min().orElseThrow();
        assertThat(Duration.ofNanos(relayDone - firstByte))
                .as("the first bytes reached a client that long before the upstream's transfer ended")
                .isGreaterThan(Duration.ofSeconds(1));
        // Stored: the next pull comes from the cache.
        Pull again = pull(a, "slow/library/big-one", blob.digest()).join();
        assertThat(again.digest()).isEqualTo(blob.digest());
        assertThat(blobGets("library/big-one", blob.digest())).isEqualTo(1);
    }

    @Test
    void twentyClientsOfTwoNodesCostOneTransfer() throws Exception {
        Blob blob = pushBig("library/big-two", 2);
        List<CompletableFuture<Pull>> pulls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pulls.add(pull(i % 2 == 0 ? a : b, "slow/library/big-two", blob.digest()));
        }
        for (CompletableFuture<Pull> pull : pulls) {
            Pull done = pull.join();
            assertThat(done.status()).isEqualTo(200);
            assertThat(done.digest()).isEqualTo(blob.digest());
        }
        assertThat(blobGets("library/big-two", blob.digest())).as("transfers from the upstream").isEqualTo(1);
    }

    private record Blob(String digest) {
    }

    private record Pull(int status, String digest, long firstByteNanos) {
    }

    /** Pushes an image with one 256 MiB layer upstream, and pulls its manifest through the cache of both nodes. */
    private Blob pushBig(String repository, long seed) throws Exception {
        byte[] layer = new byte[SIZE];
        new Random(seed).nextBytes(layer);
        UpstreamImages.Pushed pushed = UpstreamImages.push(upstream.url(), UpstreamImages.basic(USER, PASSWORD),
                repository, "1.0", seed, layer);
        for (StowageProcess node : new StowageProcess[] {a, b}) {
            HttpResponse<String> manifest = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/v2/slow/"
                            + repository + "/manifests/1.0")).header("Accept", "application/vnd.oci.image.manifest.v1+json")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(200);
        }
        return new Blob(pushed.layerDigest());
    }

    /** Pulls the blob in the background, hashing it as it arrives, noting when its first byte came. */
    private CompletableFuture<Pull> pull(StowageProcess node, String repository, String digest) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl()
                        + "/v2/" + repository + "/blobs/" + digest)).build(), HttpResponse.BodyHandlers.ofInputStream());
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                long first = 0;
                try (InputStream in = response.body()) {
                    byte[] buffer = new byte[256 * 1024];
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        if (first == 0 && read > 0) {
                            first = System.nanoTime();
                        }
                        sha256.update(buffer, 0, read);
                    }
                }
                return new Pull(response.statusCode(), "sha256:" + HexFormat.of().formatHex(sha256.digest()), first);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    }

    private long blobGets(String repository, String digest) throws Exception {
        return upstream.requests().stream().filter(r -> r.equals("GET /v2/" + repository + "/blobs/" + digest))
                .count();
    }
}
