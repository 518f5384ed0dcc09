package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Storage accounting ({@code /api/v1/storage}, and {@code storage} in {@code /api/v1/repositories/<name>}) against
 * hand-computed figures and against what the storage backend really holds. Auth is off in this context: every
 * caller is an administrator; {@link StorageAdminIT} covers who may see what.
 */
class StorageAccountingIT extends AdminApiTestBase {

    private final Random random = new Random();

    /** A blob of random bytes (fresh digest) of the given size. */
    private byte[] blob(int size) {
        byte[] content = new byte[size];
        random.nextBytes(content);
        return content;
    }

    /** A config blob of a fresh digest. */
    private byte[] config() {
        return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":\"" + random.nextLong() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Pushes an image manifest of {@code config} and {@code layers} (pushed before) as a tag; returns its bytes. */
    private byte[] pushManifest(String repository, String tag, byte[] config, List<byte[]> layers) throws Exception {
        return pushManifest(repository, tag, config, layers, null);
    }

    private void pushBlobs(String repository, byte[]... blobs) throws Exception {
        for (byte[] content : blobs) {
            pushBlob(repository, content, null);
        }
    }

    private static long sizes(byte[]... blobs) {
        long total = 0;
        for (byte[] content : blobs) {
            total += content.length;
        }
        return total;
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = get(path, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static void assertFigures(JsonNode storage, long manifests, long manifestBytes, long blobs,
                                      long logicalBytes, long storedBytes, long exclusiveBytes) {
        assertThat(storage.get("manifests").asLong()).as("manifests").isEqualTo(manifests);
        assertThat(storage.get("manifestBytes").asLong()).as("manifestBytes").isEqualTo(manifestBytes);
        assertThat(storage.get("blobs").asLong()).as("blobs").isEqualTo(blobs);
        assertThat(storage.get("logicalBytes").asLong()).as("logicalBytes").isEqualTo(logicalBytes);
        assertThat(storage.get("storedBytes").asLong()).as("storedBytes").isEqualTo(storedBytes);
        assertThat(storage.get("exclusiveBytes").asLong()).as("exclusiveBytes").isEqualTo(exclusiveBytes);
    }

    @Test
    void figuresOfRepositoriesNamespaceAndTotalsMatchWhatStorageHolds() throws Exception {
        String namespace = unique("acct");
        String app = namespace + "/app";
        String tools = namespace + "/tools";
        String outside = unique("other") + "/base";

        JsonNode before = getJson("/api/v1/storage?n=0");
        Map<String, Long> objectsBefore = storedObjects().objects();

        // Sizes are distinct powers of two times 1000, so that a blob counted twice or missed shows in the sum.
        byte[] base = blob(1_000);       // app, tools and a repository outside the namespace
        byte[] shared = blob(2_000);     // app and tools
        byte[] appOnly = blob(4_000);
        byte[] toolsOnly = blob(8_000);
        byte[] unreferenced = blob(16_000); // pushed to app, referenced by no manifest
        byte[] appConfig = config();
        byte[] toolsConfig = config();
        byte[] outsideConfig = config();

        pushBlobs(app, appConfig, base, shared, appOnly, unreferenced);
        pushBlobs(tools, toolsConfig, base, shared, toolsOnly);
        pushBlobs(outside, outsideConfig, base);
        byte[] appV1 = pushManifest(app, "v1", appConfig, List.of(base, shared, appOnly));
        byte[] appV2 = pushManifest(app, "v2", appConfig, List.of(base, shared)); // same blobs again
        byte[] toolsV1 = pushManifest(tools, "v1", toolsConfig, List.of(base, shared, toolsOnly));
        byte[] outsideV1 = pushManifest(outside, "v1", outsideConfig, List.of(base));

        // Repository by repository: logical counts each referenced digest once plus the manifests, stored every
        // linked blob (referenced or not), exclusive what no other repository is linked to.
        JsonNode appRepository = getJson("/api/v1/repositories/" + app);
        assertThat(appRepository.get("name").asString()).isEqualTo(app);
        assertFigures(appRepository.get("storage"), 2, sizes(appV1, appV2), 5,
                sizes(appConfig, base, shared, appOnly, appV1, appV2),
                sizes(appConfig, base, shared, appOnly, unreferenced),
                sizes(appConfig, appOnly, unreferenced));
        assertFigures(getJson("/api/v1/repositories/" + tools).get("storage"), 1, sizes(toolsV1), 4,
                sizes(toolsConfig, base, shared, toolsOnly, toolsV1),
                sizes(toolsConfig, base, shared, toolsOnly),
                sizes(toolsConfig, toolsOnly));

        // The namespace counts what its repositories share once; base is shared with a repository outside it.
        JsonNode ns = getJson("/api/v1/storage/namespaces/" + namespace);
        assertThat(ns.get("namespace").asString()).isEqualTo(namespace);
        assertThat(ns.get("repositories").asLong()).isEqualTo(2);
        assertFigures(ns.get("storage"), 3, sizes(appV1, appV2, toolsV1), 7,
                sizes(appConfig, toolsConfig, base, shared, appOnly, toolsOnly, appV1, appV2, toolsV1),
                sizes(appConfig, toolsConfig, base, shared, appOnly, toolsOnly, unreferenced),
                sizes(appConfig, toolsConfig, shared, appOnly, toolsOnly, unreferenced));
        // A longer prefix is a namespace too.
        JsonNode appNamespace = getJson("/api/v1/storage/namespaces/" + app);
        assertThat(appNamespace.get("repositories").asLong()).isZero();
        assertFigures(appNamespace.get("storage"), 0, 0, 0, 0, 0, 0);

        // What storage holds: every blob once, under one key, and nothing else new.
        byte[][] all = {base, shared, appOnly, toolsOnly, unreferenced, appConfig, toolsConfig, outsideConfig};
        Map<String, Long> newObjects = new HashMap<>(storedObjects().objects());
        newObjects.keySet().removeAll(objectsBefore.keySet());
        for (byte[] content : all) {
            assertThat(storedObjects().holding(content)).hasSize(1).allSatisfy(key ->
                    assertThat(newObjects).containsEntry(key, (long) content.length));
        }
        long newBytes = newObjects.values().stream().mapToLong(Long::longValue).sum();
        assertThat(newObjects).hasSize(all.length);
        assertThat(newBytes).isEqualTo(sizes(all));
        // The namespace's stored bytes are what storage holds for its blobs, i.e. all but the outside config.
        assertThat(ns.get("storage").get("storedBytes").asLong()).isEqualTo(newBytes - outsideConfig.length);

        // The totals grew by exactly what storage received; logical by each repository's logical size.
        JsonNode after = getJson("/api/v1/storage?n=0");
        assertThat(after.get("storedBytes").asLong() - before.get("storedBytes").asLong()).isEqualTo(newBytes);
        assertThat(after.get("blobs").asLong() - before.get("blobs").asLong()).isEqualTo(all.length);
        assertThat(after.get("repositories").asLong() - before.get("repositories").asLong()).isEqualTo(3);
        assertThat(after.get("manifests").asLong() - before.get("manifests").asLong()).isEqualTo(4);
        assertThat(after.get("manifestBytes").asLong() - before.get("manifestBytes").asLong())
                .isEqualTo(sizes(appV1, appV2, toolsV1, outsideV1));
        assertThat(after.get("logicalBytes").asLong() - before.get("logicalBytes").asLong()).isEqualTo(
                sizes(appConfig, base, shared, appOnly, appV1, appV2)
                        + sizes(toolsConfig, base, shared, toolsOnly, toolsV1)
                        + sizes(outsideConfig, base, outsideV1));
        assertThat(after.get("largest")).isEmpty();
        assertThat(after.get("uploads").get("sessions").asLong()).isNotNegative();
    }

    @Test
    void anUploadInProgressIsCountedApartFromStoredBytes() throws Exception {
        String repository = unique("acct") + "/uploading";
        JsonNode before = getJson("/api/v1/storage?n=0");

        HttpResponse<String> started = send(request("/v2/" + repository + "/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> chunk = send(request(location)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", "0-2999")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(blob(3_000))).build());
        assertThat(chunk.statusCode()).as(chunk.body()).isEqualTo(202);

        JsonNode after = getJson("/api/v1/storage?n=0");
        assertThat(after.get("uploads").get("sessions").asLong() - before.get("uploads").get("sessions").asLong())
                .isEqualTo(1);
        assertThat(after.get("uploads").get("receivedBytes").asLong()
                - before.get("uploads").get("receivedBytes").asLong()).isEqualTo(3_000);
        assertThat(after.get("storedBytes").asLong()).isEqualTo(before.get("storedBytes").asLong());
        assertFigures(getJson("/api/v1/repositories/" + repository).get("storage"), 0, 0, 0, 0, 0, 0);

        assertThat(send(request(location).DELETE().build()).statusCode()).isEqualTo(204);
    }

    @Test
    void largestRepositoriesComeFirstWithTheirFigures() throws Exception {
        String repository = unique("acct") + "/big";
        pushBlob(repository, blob(5_000), null);

        JsonNode largest = getJson("/api/v1/storage?n=1000").get("largest");
        assertThat(largest).isNotEmpty();
        List<Long> stored = largest.valueStream().map(r -> r.get("storage").get("storedBytes").asLong()).toList();
        assertThat(stored).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        JsonNode first = largest.get(0);
        assertThat(getJson("/api/v1/repositories/" + first.get("name").asString()).get("storage"))
                .isEqualTo(first.get("storage"));
        assertThat(getJson("/api/v1/storage").get("largest").size()).isLessThanOrEqualTo(10);
        assertThat(getJson("/api/v1/storage?n=1").get("largest")).hasSize(1)
                .allSatisfy(r -> assertThat(r.get("name").asString()).isEqualTo(first.get("name").asString()));

        assertError(get("/api/v1/storage?n=1001", null), 400, "invalid_request");
        assertError(get("/api/v1/storage?n=ten", null), 400, "invalid_request");
        assertError(get("/api/v1/storage/namespaces/Not..valid", null), 400, "invalid_request");
    }
}
