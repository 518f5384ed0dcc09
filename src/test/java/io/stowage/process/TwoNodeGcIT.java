package io.stowage.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stowage.FilesystemStoredObjects;
import io.stowage.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Stowage processes sharing one PostgreSQL schema and one storage directory, both running the garbage collector
 * every few milliseconds with a review delay of a second and small batches, so that they contend for the same reviews. Each
 * blob must be deleted exactly once (the deletions both nodes report add up to what there was to delete), no
 * transaction may end in a deadlock, and what is still tagged stays whole.
 */
class TwoNodeGcIT {

    private static final String SCHEMA = "stowage_two_node_gc";
    private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final Pattern PASS_LOG = Pattern.compile(
            "Garbage collection: (\\d+) manifests, (\\d+) blob links, (\\d+) blobs \\((\\d+) bytes\\) deleted");

    private static Path dataDir;
    private static Path storage;
    private static StowageProcess a;
    private static StowageProcess b;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startNodes() throws Exception {
        try (Connection db = database(); Statement sql = db.createStatement()) {
            sql.execute("drop schema if exists " + SCHEMA + " cascade"); // an external test database is reused
        }
        dataDir = Files.createTempDirectory("stowage-two-node-gc");
        storage = dataDir.resolve("storage");
        a = node("a");
        b = node("b");
    }

    @AfterAll
    static void stopNodes() throws Exception {
        for (StowageProcess node : new StowageProcess[] {a, b}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void bothNodesCollectDeletedImagesEachBlobOnceWhileTaggedImagesStayWhole() throws Exception {
        String repository = "two-node-gc/images";
        byte[] shared = random(64 * 1024);
        Image keeper = push(a, repository, "keeper", List.of(shared, random(32 * 1024)));
        List<Image> doomed = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StowageProcess node = i % 2 == 0 ? a : b;
            doomed.add(push(node, repository, "doomed-" + i, List.of(random(4096 + i), random(2048 + i), shared)));
        }
        awaitQuiet(); // the uploads' link reviews: every link is referenced by then, so nothing goes
        int deletedBefore = deletedBlobsInLogs();

        for (int i = 0; i < doomed.size(); i++) {
            StowageProcess node = i % 2 == 0 ? b : a;
            HttpResponse<String> deleted = send(node, HttpRequest.newBuilder(
                    uri(node, "/v2/" + repository + "/manifests/" + doomed.get(i).digest())).DELETE());
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
        }
        awaitQuiet();

        // Per doomed image: its config (unique: it names the tag) and two unique layers.
        int expected = doomed.size() * 3;
        assertThat(deletedBlobsInLogs() - deletedBefore).as("blobs deleted by both nodes together").isEqualTo(expected);
        FilesystemStoredObjects stored = new FilesystemStoredObjects(storage);
        for (Image image : doomed) {
            for (byte[] blob : image.blobs().subList(0, 3)) { // config and the unique layers; not the shared one
                assertThat(stored.holding(blob)).as("a blob only " + image.tag() + " used").isEmpty();
            }
        }
        assertWhole(b, repository, keeper);
        assertThat(stored.objects()).as("objects in storage, one per blob row").hasSize((int) rows("blobs"));
        assertNoTroubleLogged();
    }

    @Test
    void pushesAndDeletesOnBothNodesWhileBothCollectLeaveTaggedImagesWhole() throws Exception {
        String repository = "two-node-gc/busy";
        List<byte[]> sharedLayers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sharedLayers.add(random(16 * 1024 + i));
        }
        Map<String, Image> tagged = new ConcurrentHashMap<>();
        AtomicInteger pushes = new AtomicInteger();
        AtomicInteger deletes = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        Instant end = Instant.now().plusSeconds(15);
        ExecutorService clients = Executors.newFixedThreadPool(6);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            int client = c;
            running.add(clients.submit(() -> {
                SplittableRandom choice = new SplittableRandom(client);
                while (Instant.now().isBefore(end)) {
                    StowageProcess node = choice.nextBoolean() ? a : b;
                    String tag = "t" + client + "-" + choice.nextInt(3);
                    if (tagged.containsKey(tag) && choice.nextInt(3) == 0) {
                        HttpResponse<String> deleted = send(node, HttpRequest.newBuilder(
                                uri(node, "/v2/" + repository + "/manifests/" + tag)).DELETE());
                        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
                        tagged.remove(tag);
                        deletes.incrementAndGet();
                        continue;
                    }
                    List<byte[]> layers = List.of(sharedLayers.get(choice.nextInt(sharedLayers.size())),
                            sharedLayers.get(choice.nextInt(sharedLayers.size())), random(1024 + choice.nextInt(4096)));
                    Image image = tryPush(node, repository, tag, layers);
                    if (image == null) {
                        retries.incrementAndGet(); // a blob's link went between its upload and the manifest
                        continue;
                    }
                    tagged.put(tag, image);
                    pushes.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> client : running) {
            client.get();
        }
        clients.shutdown();
        awaitQuiet();

        System.out.printf("two-node GC: %d pushes, %d deletes, %d pushes retried%n", pushes.get(), deletes.get(),
                retries.get());
        assertThat(pushes.get()).isGreaterThan(30);
        assertThat(deletes.get()).isGreaterThan(5);
        for (Map.Entry<String, Image> entry : tagged.entrySet()) {
            assertWhole(a, repository, entry.getValue());
            assertWhole(b, repository, entry.getValue());
        }
        // Nothing unreferenced is left: every blob row is used by a tagged manifest, every object has a row.
        assertThat(rows("manifests m where m.repository_id = (select id from repositories where name = '"
                + repository + "') and not exists (select 1 from tags t where t.manifest_id = m.id)")).isZero();
        assertThat(rows("blobs b where not exists (select 1 from manifest_layers l where l.digest = b.digest)"))
                .isZero();
        assertThat(new FilesystemStoredObjects(storage).objects()).hasSize((int) rows("blobs"));
        assertNoTroubleLogged();
    }

    /** An image as pushed: its manifest's digest and bytes, and its blobs (config first). */
    private record Image(String tag, String digest, byte[] manifest, List<byte[]> blobs) {
    }

    /** Pushes the image, again if the collector (with no delay) took a blob's link before the manifest came. */
    private Image push(StowageProcess node, String repository, String tag, List<byte[]> layers) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            Image image = tryPush(node, repository, tag, layers);
            if (image != null) {
                return image;
            }
        }
        throw new AssertionError("20 pushes of " + tag + " refused");
    }

    /** Pushes the blobs and the manifest; null if the manifest was refused because a blob went meanwhile. */
    private Image tryPush(StowageProcess node, String repository, String tag, List<byte[]> layers) throws Exception {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"tag\":\"" + tag + "-" + System.nanoTime()
                + "\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
        List<byte[]> blobs = new ArrayList<>();
        blobs.add(config);
        blobs.addAll(layers);
        for (byte[] blob : blobs) {
            HttpResponse<String> pushed = send(node, HttpRequest.newBuilder(
                    uri(node, "/v2/" + repository + "/blobs/uploads/?digest=" + sha256(blob)))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(blob)));
            assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        }
        StringBuilder manifest = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            manifest.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",")
                    .append("\"digest\":\"").append(sha256(layers.get(i))).append("\",\"size\":")
                    .append(layers.get(i).length).append('}');
        }
        byte[] bytes = manifest.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = send(node, HttpRequest.newBuilder(uri(node, "/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        if (put.statusCode() == 400 && put.body().contains("BLOB_UNKNOWN")) {
            return null;
        }
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return new Image(tag, sha256(bytes), bytes, blobs);
    }

    private void assertWhole(StowageProcess node, String repository, Image image) throws Exception {
        HttpResponse<byte[]> manifest = http.send(HttpRequest.newBuilder(
                uri(node, "/v2/" + repository + "/manifests/" + image.digest())).header("Accept", MANIFEST)
                .timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(manifest.statusCode()).as(image.tag()).isEqualTo(200);
        assertThat(manifest.body()).isEqualTo(image.manifest());
        for (byte[] blob : image.blobs()) {
            HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(
                    uri(node, "/v2/" + repository + "/blobs/" + sha256(blob))).timeout(Duration.ofMinutes(1)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(got.statusCode()).as("blob of " + image.tag()).isEqualTo(200);
            assertThat(sha256(got.body())).isEqualTo(sha256(blob));
        }
    }

    /** Waits until no review is queued and no object waits for its delete. */
    private static void awaitQuiet() throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (rows("gc_manifest_reviews") + rows("gc_link_reviews") + rows("gc_blob_reviews")
                + rows("gc_object_deletions") > 0) {
            assertThat(Instant.now()).as("the collectors drain their queues").isBefore(deadline);
            Thread.sleep(100);
        }
        Thread.sleep(500); // the last pass's log line
    }

    private static int deletedBlobsInLogs() throws IOException {
        int deleted = 0;
        for (StowageProcess node : new StowageProcess[] {a, b}) {
            Matcher pass = PASS_LOG.matcher(node.log());
            while (pass.find()) {
                deleted += Integer.parseInt(pass.group(3));
            }
        }
        return deleted;
    }

    private static void assertNoTroubleLogged() throws IOException {
        for (StowageProcess node : new StowageProcess[] {a, b}) {
            assertThat(node.log()).doesNotContainIgnoringCase("deadlock")
                    .doesNotContain("Garbage collection of")
                    .doesNotContain("Garbage collection pass failed")
                    .doesNotContain("Could not delete object");
        }
    }

    private static long rows(String from) throws SQLException {
        try (Connection db = database(); Statement sql = db.createStatement();
             ResultSet count = sql.executeQuery("select count(*) from " + from)) {
            count.next();
            return count.getLong(1);
        }
    }

    private static Connection database() throws SQLException {
        Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.username(),
                TestDatabase.password());
        try (Statement sql = db.createStatement()) {
            sql.execute("set search_path to " + SCHEMA);
        }
        return db;
    }

    private static StowageProcess node(String name) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(StowageProcess.databaseArguments(SCHEMA));
        arguments.addAll(List.of(
                "--stowage.storage.filesystem.root=" + storage,
                "--stowage.gc.enabled=true",
                "--stowage.gc.review-delay=1s", // pushes in flight need a moment: 0 refuses many
                "--stowage.gc.interval=20ms",
                "--stowage.gc.batch-size=4",
                "--stowage.gc.untagged=collect"));
        return StowageProcess.start(dataDir.resolve(name), List.of("-XX:+UseSerialGC", "-Xmx256m"), arguments);
    }

    private HttpResponse<String> send(StowageProcess node, HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(StowageProcess node, String path) {
        return URI.create(node.baseUrl() + path);
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
