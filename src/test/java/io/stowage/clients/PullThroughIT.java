package io.stowage.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.config.StowageProperties;
import io.stowage.gc.GarbageCollector;
import io.stowage.metadata.RepositoryRecords;
import io.stowage.proxy.CacheEviction;
import io.stowage.proxy.DistributionUpstream;
import io.stowage.proxy.UpstreamImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The pull-through cache in front of a real upstream on loopback: CNCF distribution (Debian's
 * {@code docker-registry}) with htpasswd basic auth, under the namespace {@code dist-cache/}. skopeo and podman pull
 * through it; the upstream's access log shows what the cache asked for.
 */
class PullThroughIT extends RegistryTestBase {

    private static final String USER = "puller";
    private static final String PASSWORD = "puller-password";
    private static final String CREDENTIALS = USER + ":" + PASSWORD;
    private static final String NAMESPACE = "dist-cache";
    private static final int STALL_AFTER = 256 * 1024;
    /** Another name of this machine's loopback: the registry's dedicated mirror host name in these tests. */
    private static final String MIRROR_HOST = "127.0.0.2";
    private static final String MIRRORED_REGISTRY = "registry.example.test";
    private static DistributionUpstream upstream;
    private static io.stowage.process.ThrottledRelay stalling;

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private CacheEviction eviction;
    @Autowired
    private GarbageCollector collector;
    @Autowired
    private RepositoryRecords repositories;
    @Autowired
    private io.micrometer.core.instrument.MeterRegistry meters;

    @TempDir
    Path temp;

    private static synchronized DistributionUpstream upstream() {
        if (upstream == null) {
            try {
                upstream = DistributionUpstream.start(USER, PASSWORD);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return upstream;
    }

    private static synchronized io.stowage.process.ThrottledRelay stalling() {
        if (stalling == null) {
            try {
                stalling = io.stowage.process.ThrottledRelay.stalling(upstream().url(), STALL_AFTER);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return stalling;
    }

    @DynamicPropertySource
    static void cacheProperties(DynamicPropertyRegistry registry) {
        // The same registry behind a relay that stops sending after STALL_AFTER bytes of a connection.
        registry.add("stowage.proxy.upstreams.stalling.url", () -> stalling().url().toString());
        registry.add("stowage.proxy.upstreams.stalling.namespace", () -> "stall-cache");
        registry.add("stowage.proxy.upstreams.stalling.username", () -> USER);
        registry.add("stowage.proxy.upstreams.stalling.password", () -> PASSWORD);
        registry.add("stowage.proxy.upstreams.distribution.url", () -> upstream().url().toString());
        registry.add("stowage.proxy.upstreams.distribution.namespace", () -> NAMESPACE);
        registry.add("stowage.proxy.upstreams.distribution.username", () -> USER);
        registry.add("stowage.proxy.upstreams.distribution.password", () -> PASSWORD);
        // Long: the tests expire a tag's confirmation themselves, so that timing never decides what they see.
        registry.add("stowage.proxy.upstreams.distribution.revalidate", () -> "1h");
        registry.add("stowage.proxy.timeout", () -> "5s");
        // Docker's registry-mirrors form: this registry under another name, on which names carry no namespace.
        registry.add("stowage.proxy.upstreams.distribution.mirror-hosts", () -> MIRROR_HOST);
        // containerd's form: ?ns= names the registry mirrored.
        registry.add("stowage.proxy.upstreams.distribution.mirror-of", () -> MIRRORED_REGISTRY);
    }

    @Test
    void aStalledUpstreamBreaksTheTransferOffInsteadOfHangingItsClients() throws Exception {
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        byte[] layer = new byte[2 * 1024 * 1024];
        new java.util.Random(51).nextBytes(layer);
        UpstreamImages.Pushed image = UpstreamImages.push(upstream().url(), UpstreamImages.basic(USER, PASSWORD),
                "library/stall-" + nonce, "1.0", 51, layer);
        String repository = "stall-cache/library/stall-" + nonce;
        HttpResponse<byte[]> manifest = http.send(request("/v2/" + repository + "/manifests/1.0")
                .header("Accept", TestImages.OCI_MANIFEST).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(manifest.statusCode()).isEqualTo(200);

        for (int attempt = 0; attempt < 2; attempt++) {
            long started = System.nanoTime();
            java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> pull = http.sendAsync(
                    request("/v2/" + repository + "/blobs/" + image.layerDigest()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> got = null;
            try {
                got = pull.get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException broken) {
                // the transfer broken off: what a client should see
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the client is not left hanging")
                    .isLessThan(Duration.ofSeconds(30));
            if (got != null) {
                assertThat(got.body()).as("never a blob with the wrong bytes").isNotEqualTo(layer);
            }
        }
    }

    @AfterAll
    static void stopUpstream() throws Exception {
        if (stalling != null) {
            stalling.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void skopeoAndPodmanPullMultiArchAndDockerImagesByteForByte() throws Exception {
        Skopeo.require();
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        TestImages.ImageIndex index = Skopeo.pushNewIndex(temp.resolve("index"),
                upstream().host() + "/library/multi-" + nonce + ":v1", CREDENTIALS);
        TestImages.Image docker = TestImages.randomImage(TestImages.Format.DOCKER_V2S2, "linux", "amd64", 2);
        TestImages.writeDirectory(temp.resolve("docker"), docker);
        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", CREDENTIALS,
                "dir:" + temp.resolve("docker"), "docker://" + upstream().host() + "/team/docker-" + nonce + ":1");

        Path pulled = temp.resolve("pulled-index");
        Skopeo.succeed("copy", "--all", "--src-tls-verify=false",
                "docker://" + registryHost() + "/" + NAMESPACE + "/library/multi-" + nonce + ":v1",
                "oci:" + pulled + ":v1");
        TestImages.assertLayoutHolds(pulled, "v1", index);

        Path dir = temp.resolve("pulled-docker");
        Skopeo.succeed("copy", "--src-tls-verify=false",
                "docker://" + registryHost() + "/" + NAMESPACE + "/team/docker-" + nonce + ":1", "dir:" + dir);
        assertThat(Files.readAllBytes(dir.resolve("manifest.json"))).isEqualTo(docker.manifest().bytes());
        for (TestImages.Blob blob : docker.blobs()) {
            assertThat(Files.readAllBytes(dir.resolve(blob.hex()))).isEqualTo(blob.bytes());
        }

        Podman podman = new Podman(temp.resolve("podman"));
        Podman.require();
        String reference = registryHost() + "/" + NAMESPACE + "/team/docker-" + nonce + ":1";
        String id = podman.succeed("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(), reference)
                .stdout().strip();
        assertThat(id).isEqualTo(docker.imageId());

        // Cached content is ordinary content: in the catalog at once, and in the UI marked as cached.
        HttpResponse<String> catalog = send(request("/v2/_catalog?n=10000").build());
        assertThat(catalog.body()).contains("\"" + NAMESPACE + "/library/multi-" + nonce + "\"")
                .contains("\"" + NAMESPACE + "/team/docker-" + nonce + "\"");
        HttpResponse<String> listing = send(request("/ui/?q=multi-" + nonce).build());
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(listing.body()).contains("cached: distribution");
        HttpResponse<String> page = send(request("/ui/repositories/" + NAMESPACE + "/library/multi-" + nonce)
                .build());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Cached from upstream").contains("<strong>distribution</strong>")
                .containsPattern("class=\"checked-at\">\\d{4}-\\d\\d-\\d\\d");

        HttpResponse<String> upstreams = send(request("/api/v1/upstreams").build());
        assertThat(upstreams.statusCode()).as(upstreams.body()).isEqualTo(200);
        assertThat(upstreams.body()).contains("\"name\":\"distribution\"").contains("\"namespace\":\"" + NAMESPACE)
                .contains("\"authenticated\":true").doesNotContain(PASSWORD);
        HttpResponse<String> storage = send(request("/ui/admin/storage").build());
        assertThat(storage.body()).contains("Pull-through cache upstreams").contains(upstream().url().toString());
    }

    @Test
    void servesTheUpstreamWithoutItsNamespaceInEachMirrorForm() throws Exception {
        Skopeo.require();
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        String repository = "library/mirrored-" + nonce;
        TestImages.ImageIndex index = Skopeo.pushNewIndex(temp.resolve("index"),
                upstream().host() + "/" + repository + ":v1", CREDENTIALS);

        // Docker daemon with registry-mirrors: the mirror's host name, names without the namespace.
        Path pulled = temp.resolve("via-mirror-host");
        Skopeo.succeed("copy", "--all", "--src-tls-verify=false",
                "docker://" + MIRROR_HOST + ":" + port + "/" + repository + ":v1", "oci:" + pulled + ":v1");
        assertThat(TestImages.layoutDescriptor(pulled, "v1").get("digest")).isEqualTo(index.index().digest());
        assertThat(TestImages.layoutBlobs(pulled)).hasSize(1 + index.images().size() * 4);

        // containerd with hosts.toml: the registry's own name, ?ns= naming the registry mirrored.
        String other = "library/containerd-" + nonce;
        UpstreamImages.Pushed image = UpstreamImages.push(upstream().url(), UpstreamImages.basic(USER, PASSWORD),
                other, "1.0", 41);
        HttpResponse<byte[]> manifest = http.send(request("/v2/" + other + "/manifests/1.0?ns=" + MIRRORED_REGISTRY)
                .header("Accept", TestImages.OCI_MANIFEST).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.body()).isEqualTo(image.manifest());
        HttpResponse<byte[]> layer = http.send(request("/v2/" + other + "/blobs/" + image.layerDigest() + "?ns="
                + MIRRORED_REGISTRY).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(layer.body()).isEqualTo(image.layer());
        // Cached under the namespace; the same name without a mirror's form is a local repository, which has none.
        assertPulls(NAMESPACE + "/" + other, "1.0", image);
        assertThat(send(request("/v2/" + other + "/manifests/1.0").header("Accept", TestImages.OCI_MANIFEST)
                .build()).statusCode()).isEqualTo(404);

        // podman and CRI-O with a [[registry.mirror]] under the namespace: the path form.
        TestImages.Image docker = TestImages.randomImage(TestImages.Format.DOCKER_V2S2, "linux", "amd64", 1);
        TestImages.writeDirectory(temp.resolve("docker"), docker);
        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", CREDENTIALS,
                "dir:" + temp.resolve("docker"), "docker://" + upstream().host() + "/team/podman-" + nonce + ":1");
        Podman.require();
        Podman podman = new Podman(temp.resolve("podman"));
        Files.writeString(temp.resolve("podman/registries.conf"), """
                unqualified-search-registries = []
                [[registry]]
                location = "%s"
                [[registry.mirror]]
                location = "%s/%s"
                insecure = true
                """.formatted(MIRRORED_REGISTRY, registryHost(), NAMESPACE));
        String id = podman.succeed("pull", "--quiet", podman.signaturePolicy(),
                MIRRORED_REGISTRY + "/team/podman-" + nonce + ":1").stdout().strip();
        assertThat(id).isEqualTo(docker.imageId());
    }

    @Test
    void refusesPushesIntoTheUpstreamsNamespace() throws Exception {
        HttpResponse<String> start = send(request("/v2/" + NAMESPACE + "/library/pushed/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(start.statusCode()).isEqualTo(403);
        assertThat(start.body()).contains("DENIED").contains("pull-through cache").contains(upstream().url().toString());
        HttpResponse<String> manifest = send(request("/v2/" + NAMESPACE + "/library/pushed/manifests/v1")
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(manifest.statusCode()).isEqualTo(403);
    }

    @Test
    void servesWhatItCachedWhileTheUpstreamIsDownAndFetchesAgainWhenItIsBack() throws Exception {
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        String authorization = UpstreamImages.basic(USER, PASSWORD);
        UpstreamImages.Pushed pulled = UpstreamImages.push(upstream().url(), authorization,
                "library/down-" + nonce, "1.0", 11);
        UpstreamImages.Pushed deleted = UpstreamImages.push(upstream().url(), authorization,
                "library/deleted-" + nonce, "1.0", 12);
        Skopeo.require();
        TestImages.ImageIndex index = Skopeo.pushNewIndex(temp.resolve("headed"),
                upstream().host() + "/library/headed-" + nonce + ":v1", CREDENTIALS);
        UpstreamImages.Pushed never = UpstreamImages.push(upstream().url(), authorization,
                "library/never-" + nonce, "1.0", 13);

        String down = NAMESPACE + "/library/down-" + nonce;
        assertPulls(down, "1.0", pulled);
        assertPulls(NAMESPACE + "/library/deleted-" + nonce, "1.0", deleted);
        HttpResponse<String> head = send(request("/v2/" + NAMESPACE + "/library/headed-" + nonce + "/manifests/v1")
                .header("Accept", TestImages.OCI_INDEX).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(index.index().digest());

        // Deleted upstream: still served from the cache, after a revalidation that finds it gone.
        HttpResponse<String> removed = http.send(HttpRequest.newBuilder(upstream().url().resolve(
                        "/v2/library/deleted-" + nonce + "/manifests/" + deleted.manifestDigest()))
                .header("Authorization", authorization).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(202);
        expireConfirmations(NAMESPACE + "/library/deleted-" + nonce);
        assertPulls(NAMESPACE + "/library/deleted-" + nonce, "1.0", deleted);

        double staleBefore = count("stowage.proxy.requests", "outcome", "stale");
        double errorsBefore = count("stowage.proxy.upstream.errors", "problem", "unreachable");
        upstream().stop();
        try {
            expireConfirmations(down);
            expireConfirmations(NAMESPACE + "/library/headed-" + nonce);
            assertPulls(down, "1.0", pulled);
            assertPulls(down, pulled.manifestDigest(), pulled);
            HttpResponse<byte[]> headed = http.send(request("/v2/" + NAMESPACE + "/library/headed-" + nonce
                            + "/manifests/v1").header("Accept", TestImages.OCI_INDEX).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(headed.statusCode()).as("an index only HEADed before").isEqualTo(200);
            assertThat(headed.body()).isEqualTo(index.index().bytes());

            HttpResponse<String> uncached = send(request("/v2/" + NAMESPACE + "/library/never-" + nonce
                    + "/manifests/1.0").header("Accept", TestImages.OCI_MANIFEST).build());
            assertThat(uncached.statusCode()).isEqualTo(502);
            assertThat(uncached.body()).contains("UNAVAILABLE").contains("upstream distribution")
                    .contains("unreachable");
            assertThat(count("stowage.proxy.requests", "outcome", "stale")).as("stale serves counted")
                    .isGreaterThan(staleBefore);
            assertThat(count("stowage.proxy.upstream.errors", "problem", "unreachable")).isGreaterThan(errorsBefore);
        } finally {
            upstream().restart();
        }
        // Back: the failure is remembered for a while (stale copies are served without asking), then it pulls.
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            HttpResponse<String> again = send(request("/v2/" + NAMESPACE + "/library/never-" + nonce
                    + "/manifests/1.0").header("Accept", TestImages.OCI_MANIFEST).build());
            if (again.statusCode() == 200 || System.nanoTime() > deadline) {
                assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
                break;
            }
            Thread.sleep(1000);
        }
        assertPulls(NAMESPACE + "/library/never-" + nonce, "1.0", never);
    }

    @Test
    void revalidatesWithAHeadAndFetchesOnlyATagThatMoved() throws Exception {
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        String authorization = UpstreamImages.basic(USER, PASSWORD);
        String remote = "library/moving-" + nonce;
        String cached = NAMESPACE + "/" + remote;
        UpstreamImages.Pushed first = UpstreamImages.push(upstream().url(), authorization, remote, "latest", 21);
        assertPulls(cached, "latest", first);

        UpstreamImages.Pushed second = UpstreamImages.push(upstream().url(), authorization, remote, "latest", 22);
        int mark = upstream().requests().size();
        assertPulls(cached, "latest", first);
        assertThat(upstream().requestsSince(mark))
                .as("a tag confirmed within the period costs the upstream nothing").isEmpty();

        expireConfirmations(cached);
        assertPulls(cached, "latest", second);
        List<String> asked = upstream().requestsSince(mark);
        assertThat(asked).filteredOn(r -> r.contains("/manifests/"))
                .containsExactly("HEAD /v2/" + remote + "/manifests/latest",
                        "GET /v2/" + remote + "/manifests/" + second.manifestDigest());

        mark = upstream().requests().size();
        expireConfirmations(cached);
        assertPulls(cached, "latest", second);
        assertThat(upstream().requestsSince(mark))
                .as("a current tag costs one HEAD and no GET")
                .containsExactly("HEAD /v2/" + remote + "/manifests/latest");
    }

    @Test
    void storesALayerPulledAndPushedOnceAndEvictsOnlyUnusedCachedImages() throws Exception {
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        String authorization = UpstreamImages.basic(USER, PASSWORD);
        UpstreamImages.Pushed kept = UpstreamImages.push(upstream().url(), authorization,
                "library/base-" + nonce, "1.0", 31);
        UpstreamImages.Pushed unused = UpstreamImages.push(upstream().url(), authorization,
                "library/unused-" + nonce, "1.0", 32);
        String base = NAMESPACE + "/library/base-" + nonce;
        String gone = NAMESPACE + "/library/unused-" + nonce;
        assertPulls(base, "1.0", kept);
        assertPulls(gone, "1.0", unused);

        // CI pushes an image built on the cached base layer: the layer stays one object.
        String local = uniqueRepository("built-on-cache");
        UpstreamImages.push(java.net.URI.create(baseUrl()), "Basic eDp4", local, "app", 31);
        assertThat(storedObjects().holding(kept.layer())).hasSize(1);

        jdbc.sql("""
                update manifests set created_at = now() - interval '40 days', last_pulled_at = null
                where repository_id in (select id from repositories where name in (?, ?))""")
                .param(base).param(gone).update();
        jdbc.sql("""
                update tags set updated_at = now() - interval '40 days'
                where repository_id in (select id from repositories where name in (?, ?))""")
                .param(base).param(gone).update();
        assertThat(eviction.evict()).isGreaterThanOrEqualTo(2);
        Set<Long> scope = Set.of(repositories.findId(base).orElseThrow(), repositories.findId(gone).orElseThrow(),
                repositories.findId(local).orElseThrow());
        collector.pass(new GarbageCollector.Options(false, true, scope, StowageProperties.UntaggedPolicy.KEEP));

        assertThat(storedObjects().holding(unused.layer())).as("a cached layer nobody uses any more").isEmpty();
        assertThat(storedObjects().holding(kept.layer())).as("the cached layer a pushed image uses").hasSize(1);
        HttpResponse<byte[]> layer = http.send(request("/v2/" + local + "/blobs/" + kept.layerDigest()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(layer.body()).isEqualTo(kept.layer());
    }

    /** Pulls the manifest (by tag or digest) and every blob of an image through the cache, checking each byte. */
    private void assertPulls(String repository, String reference, UpstreamImages.Pushed image) throws Exception {
        HttpResponse<byte[]> manifest = http.send(request("/v2/" + repository + "/manifests/" + reference)
                .header("Accept", TestImages.OCI_MANIFEST).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(manifest.statusCode()).as(new String(manifest.body())).isEqualTo(200);
        assertThat(manifest.body()).isEqualTo(image.manifest());
        HttpResponse<byte[]> layer = http.send(request("/v2/" + repository + "/blobs/" + image.layerDigest())
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(layer.statusCode()).isEqualTo(200);
        assertThat(layer.body()).isEqualTo(image.layer());
    }

    /** The sum of the upstream's counters of that name with that tag. */
    private double count(String name, String tag, String value) {
        return meters.find(name).tag("upstream", "distribution").tag(tag, value).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    /** Makes the cache treat the repository's tags as last confirmed long ago: the next pull revalidates them. */
    private void expireConfirmations(String repository) {
        jdbc.sql("""
                update tags set checked_at = now() - interval '1 day'
                where repository_id = (select id from repositories where name = ?)""").param(repository).update();
    }
}
