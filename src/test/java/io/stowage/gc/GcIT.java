package io.stowage.gc;

import static io.stowage.distribution.RegistryClient.OCI_CONFIG;
import static io.stowage.distribution.RegistryClient.OCI_INDEX;
import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static io.stowage.distribution.RegistryClient.imageManifest;
import static io.stowage.distribution.RegistryClient.index;
import static io.stowage.distribution.RegistryClient.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.stowage.RegistryTestBase;
import io.stowage.config.StowageProperties.UntaggedPolicy;
import io.stowage.distribution.RegistryClient;
import io.stowage.distribution.RegistryClient.Blob;
import io.stowage.distribution.RegistryClient.Manifest;
import io.stowage.metadata.RepositoryRecords;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Online garbage collection end to end: content pushed over HTTP, collected, and checked in the storage backend.
 *
 * <p>The application context is shared with every other test class, which leave unreferenced content behind on
 * purpose, so the scheduled collector is off there and these tests run passes themselves, with the review delay
 * ignored (as a delay of 0 would) but scoped to the repositories each test created.
 */
class GcIT extends RegistryTestBase {

    private final RegistryClient registry = new RegistryClient(http, this::request);

    @Autowired
    private GarbageCollector collector;

    @Autowired
    private RepositoryRecords repositories;

    @Autowired
    private JdbcClient jdbc;

    @Autowired
    private PlatformTransactionManager transactions;

    @Test
    void deletingATagCollectsTheImageAndItsUniqueBlobsButNotSharedOnes() {
        String repository = uniqueRepository("gc");
        String other = uniqueRepository("gc-other");
        Blob shared = registry.pushRandomBlob(repository, 700);
        Blob unique = registry.pushRandomBlob(repository, 600);
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        Manifest doomed = registry.pushManifest(repository, "v1", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, config, List.of(unique, shared)));
        Blob otherConfig = registry.pushConfig(repository, OCI_CONFIG);
        Manifest kept = registry.pushManifest(repository, "v2", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, otherConfig, List.of(shared)));
        // The same bytes pushed to another repository, as the layer of an image there.
        Blob sharedThere = registry.pushBlob(other, shared.content());
        Blob configThere = registry.pushConfig(other, OCI_CONFIG);
        registry.pushManifest(other, "latest", OCI_MANIFEST, imageManifest(OCI_MANIFEST, configThere, List.of(sharedThere)));

        assertThat(registry.delete("/v2/" + repository + "/manifests/v1").statusCode()).isEqualTo(202);
        GarbageCollector.Report early = collector.pass(new GarbageCollector.Options(false, false,
                scope(repository, other), UntaggedPolicy.KEEP));
        assertThat(early.manifests()).as("nothing is due before the review delay").isEmpty();
        assertThat(stored(unique)).isTrue();

        GarbageCollector.Report report = pass(UntaggedPolicy.KEEP, repository, other);

        assertThat(report.manifests()).containsExactly(repository + "@" + doomed.digest());
        assertThat(report.blobs()).containsExactlyInAnyOrder(unique.digest(), config.digest());
        assertThat(registry.get("/v2/" + repository + "/manifests/" + doomed.digest()).statusCode()).isEqualTo(404);
        assertThat(stored(unique)).as("a layer only the collected image used").isFalse();
        assertThat(stored(config)).as("the collected image's config").isFalse();
        assertThat(registry.head("/v2/" + repository + "/blobs/" + unique.digest()).statusCode()).isEqualTo(404);
        assertThat(stored(shared)).as("a layer another image uses").isTrue();
        assertThat(registry.getBytes("/v2/" + repository + "/blobs/" + shared.digest()).body())
                .isEqualTo(shared.content());
        assertThat(registry.get("/v2/" + repository + "/manifests/v2").statusCode()).isEqualTo(200);
        assertThat(registry.get("/v2/" + repository + "/manifests/" + kept.digest()).statusCode()).isEqualTo(200);
        assertThat(registry.get("/v2/" + other + "/manifests/latest").statusCode()).isEqualTo(200);
        assertThat(registry.getBytes("/v2/" + other + "/blobs/" + shared.digest()).body()).isEqualTo(shared.content());

        assertThat(pass(UntaggedPolicy.KEEP, repository, other).manifests()).as("nothing more to collect").isEmpty();
    }

    @Test
    void aTaggedIndexKeepsItsChildrenAndTheirLayersEvenWhenUntaggedManifestsAreCollected() {
        String repository = uniqueRepository("gc-index");
        Blob amdLayer = registry.pushRandomBlob(repository, 500);
        Blob armLayer = registry.pushRandomBlob(repository, 501);
        Manifest amd = pushByDigest(repository, imageManifest(OCI_MANIFEST, registry.pushConfig(repository, OCI_CONFIG),
                List.of(amdLayer)));
        Manifest arm = pushByDigest(repository, imageManifest(OCI_MANIFEST, registry.pushConfig(repository, OCI_CONFIG),
                List.of(armLayer)));
        Manifest index = registry.pushManifest(repository, "multi", OCI_INDEX, index(OCI_INDEX, List.of(amd, arm)));

        GarbageCollector.Report report = pass(UntaggedPolicy.COLLECT, repository);

        assertThat(report.manifests()).isEmpty();
        assertThat(report.blobs()).isEmpty();
        for (Manifest child : List.of(amd, arm)) {
            assertThat(registry.get("/v2/" + repository + "/manifests/" + child.digest()).statusCode()).isEqualTo(200);
        }
        assertThat(stored(amdLayer)).isTrue();
        assertThat(stored(armLayer)).isTrue();

        assertThat(registry.delete("/v2/" + repository + "/manifests/multi").statusCode()).isEqualTo(202);
        report = pass(UntaggedPolicy.KEEP, repository);

        assertThat(report.manifests()).as("the index, then its children, whatever the untagged policy")
                .containsExactlyInAnyOrder(repository + "@" + index.digest(), repository + "@" + amd.digest(),
                        repository + "@" + arm.digest());
        assertThat(stored(amdLayer)).isFalse();
        assertThat(stored(armLayer)).isFalse();
    }

    @Test
    void anImagePushedUntaggedFollowsThePolicy() {
        String repository = uniqueRepository("gc-untagged");
        Blob layer = registry.pushRandomBlob(repository, 300);
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        Manifest image = pushByDigest(repository, imageManifest(OCI_MANIFEST, config, List.of(layer)));

        assertThat(pass(UntaggedPolicy.KEEP, repository).manifests()).isEmpty();
        assertThat(registry.get("/v2/" + repository + "/manifests/" + image.digest()).statusCode()).isEqualTo(200);
        assertThat(stored(layer)).isTrue();

        // Kept under "keep" means the review was settled: switching to collect applies to untagged pushes to come.
        Manifest later = pushByDigest(repository, imageManifest(OCI_MANIFEST, config, List.of(layer,
                registry.pushRandomBlob(repository, 301))));
        GarbageCollector.Report report = pass(UntaggedPolicy.COLLECT, repository);

        assertThat(report.manifests()).containsExactly(repository + "@" + later.digest());
        assertThat(registry.get("/v2/" + repository + "/manifests/" + image.digest()).statusCode()).isEqualTo(200);
        assertThat(stored(layer)).as("the kept image still uses it").isTrue();
    }

    @Test
    void referrersGoWithTheirSubject() {
        String repository = uniqueRepository("gc-referrers");
        Manifest subject = registry.pushImage(repository, "signed");
        Blob empty = registry.pushBlob(repository, "{}".getBytes(), "application/vnd.oci.empty.v1+json");
        Blob signature = registry.pushRandomBlob(repository, 64);
        Map<String, Object> referrer = new LinkedHashMap<>();
        referrer.put("schemaVersion", 2);
        referrer.put("mediaType", OCI_MANIFEST);
        referrer.put("artifactType", "application/vnd.example.signature");
        referrer.put("config", empty.descriptor());
        referrer.put("layers", List.of(signature.descriptor()));
        referrer.put("subject", subject.descriptor());
        Manifest signatureManifest = pushByDigest(repository, toJson(referrer));

        assertThat(pass(UntaggedPolicy.COLLECT, repository).manifests())
                .as("a referrer stays while its subject is here, whatever the policy").isEmpty();

        assertThat(registry.delete("/v2/" + repository + "/manifests/signed").statusCode()).isEqualTo(202);
        GarbageCollector.Report report = pass(UntaggedPolicy.KEEP, repository);

        assertThat(report.manifests()).containsExactlyInAnyOrder(repository + "@" + subject.digest(),
                repository + "@" + signatureManifest.digest());
        assertThat(stored(signature)).isFalse();
    }

    @Test
    void aBlobUploadedButNeverReferencedGoes() {
        String repository = uniqueRepository("gc-upload");
        Blob orphan = registry.pushRandomBlob(repository, 200);

        GarbageCollector.Report report = pass(UntaggedPolicy.KEEP, repository);

        assertThat(report.links()).containsExactly(repository + "@" + orphan.digest());
        assertThat(report.blobs()).containsExactly(orphan.digest());
        assertThat(report.bytes()).isEqualTo(200);
        assertThat(stored(orphan)).isFalse();
        assertThat(registry.head("/v2/" + repository + "/blobs/" + orphan.digest()).statusCode()).isEqualTo(404);

        // Pushed again after collection, it is stored anew.
        registry.pushBlob(repository, orphan.content());
        assertThat(stored(orphan)).isTrue();
        assertThat(registry.getBytes("/v2/" + repository + "/blobs/" + orphan.digest()).body())
                .isEqualTo(orphan.content());
    }

    /**
     * A push share-locks the links it references until it commits. The collector leaves such a link for its next pass
     * rather than waiting: it holds the link's review meanwhile, which a manifest deletion (that the push may be
     * waiting for) needs too, and the three made a deadlock under load (GcStressIT).
     */
    @Test
    void aLinkAPushHoldsIsLeftForTheNextPassNotWaitedFor() throws Exception {
        String repository = uniqueRepository("gc-busy");
        Blob orphan = registry.pushRandomBlob(repository, 300);
        long repositoryId = repositories.findId(repository).orElseThrow();
        TransactionTemplate push = new TransactionTemplate(transactions);
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread pusher = Thread.ofVirtual().start(() -> push.executeWithoutResult(status -> {
            jdbc.sql("select 1 from repository_blobs where repository_id = ? and digest = ? for share")
                    .param(repositoryId).param(orphan.digest()).query(Integer.class).single();
            locked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            CompletableFuture<GarbageCollector.Report> busy = CompletableFuture.supplyAsync(
                    () -> pass(UntaggedPolicy.KEEP, repository));
            GarbageCollector.Report report = busy.get(10, TimeUnit.SECONDS);
            assertThat(report.links()).as("the link a push holds").isEmpty();
            assertThat(stored(orphan)).isTrue();
        } finally {
            release.countDown();
            pusher.join();
        }
        assertThat(pass(UntaggedPolicy.KEEP, repository).links()).containsExactly(repository + "@" + orphan.digest());
        assertThat(stored(orphan)).isFalse();
    }

    @Test
    void aMonolithicUploadOfStoredContentKeepsTheBlobWhileItsBodyIsStillComing() throws Exception {
        String source = uniqueRepository("gc-pin-source");
        String target = uniqueRepository("gc-pin-target");
        Blob blob = registry.pushRandomBlob(source, 64 * 1024);
        // A raw connection, to hold the body back after its first bytes.
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v2/" + target + "/blobs/uploads/?digest=" + blob.digest() + " HTTP/1.1\r\n"
                    + "Host: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: " + blob.size()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(blob.content(), 0, 1000);
            out.flush();
            await(() -> pins(blob.digest()) == 1);

            // The only link goes; the blob is unused but for the upload in progress, which pinned it.
            GarbageCollector.Report report = pass(UntaggedPolicy.KEEP, source);
            assertThat(report.links()).containsExactly(source + "@" + blob.digest());
            assertThat(report.blobs()).isEmpty();
            out.write(blob.content(), 1000, blob.content().length - 1000);
            out.flush();
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 201");
        }
        assertThat(pins(blob.digest())).isZero();
        assertThat(registry.getBytes("/v2/" + target + "/blobs/" + blob.digest()).body()).isEqualTo(blob.content());
        assertThat(stored(blob)).isTrue();
    }

    @Test
    void aFailedMonolithicUploadOfStoredContentReleasesItsPinAndTheBlobIsReviewed() {
        String source = uniqueRepository("gc-pin-failed");
        Blob blob = registry.pushRandomBlob(source, 2048);

        byte[] wrong = blob.content().clone();
        wrong[0] ^= 1;
        var refused = registry.method("POST", "/v2/" + source + "/blobs/uploads/?digest="
                + blob.digest(), wrong, "Content-Type", "application/octet-stream");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(pins(blob.digest())).isZero();
        assertThat(pass(UntaggedPolicy.KEEP, source).blobs()).containsExactly(blob.digest());
        assertThat(stored(blob)).isFalse();
    }

    private long pins(String digest) {
        return jdbc.sql("select count(*) from gc_blob_pins where digest = ?").param(digest).query(Long.class).single();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void theAdminApiRunsAPassOrADryRun() throws Exception {
        for (String body : List.of("{\"dryRun\": true}", "{}")) {
            var response = send(request("/api/v1/gc").header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            var json = RegistryClient.json(response.body());
            assertThat(json.has("manifests") && json.has("links") && json.has("blobs") && json.has("bytes")).isTrue();
        }
        var refused = send(request("/api/v1/gc").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"dryrun\": true}")).build());
        assertThat(refused.statusCode()).as("a misspelt field").isEqualTo(400);
    }

    private Manifest pushByDigest(String repository, byte[] body) {
        return registry.pushManifest(repository, RegistryClient.sha256(body), OCI_MANIFEST, body);
    }

    private GarbageCollector.Report pass(UntaggedPolicy untagged, String... scope) {
        return collector.pass(new GarbageCollector.Options(false, true, scope(scope), untagged));
    }

    private Set<Long> scope(String... names) {
        return Stream.of(names).map(name -> repositories.findId(name).orElseThrow()).collect(Collectors.toSet());
    }

    private boolean stored(Blob blob) {
        return !storedObjects().holding(blob.content()).isEmpty();
    }
}
