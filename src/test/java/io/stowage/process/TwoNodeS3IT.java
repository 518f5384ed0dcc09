package io.stowage.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.stowage.storage.s3.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Stowage processes from the packaged jar sharing one PostgreSQL and one S3 bucket, as a cluster behind a load
 * balancer would. An upload whose chunks land on both nodes continues on each from the digest state the other saved
 * with the session: S3 cannot give back the bytes of an unfinished multipart upload, so without that state a node
 * that missed the earlier chunks could not go on (the part size is 5MB, so a part is sent by the first chunk).
 */
class TwoNodeS3IT {

    private static final int MIB = 1 << 20;
    private static final String BUCKET = "two-nodes";
    // A schema of its own: the in-JVM suites record blobs with filesystem keys in the shared database.
    private static final String SCHEMA = "stowage_two_nodes";
    private static final String NO_STATE_WARNING = "digest states cannot be saved";

    private static Path dataDir;
    private static StowageProcess a;
    private static StowageProcess b;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    @BeforeAll
    static void startNodes() throws Exception {
        dataDir = Files.createTempDirectory("stowage-two-nodes");
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
    void bothNodesStartWithDigestStatesEnabled() throws IOException {
        // The Add-Opens of the jar's manifest reach 'java -jar': no fallback warning.
        assertThat(a.log()).doesNotContainIgnoringCase(NO_STATE_WARNING);
        assertThat(b.log()).doesNotContainIgnoringCase(NO_STATE_WARNING);
    }

    @Test
    void chunksAlternatingBetweenNodesCompleteOnEitherAndReadBackFromTheOther() throws Exception {
        int[] chunks = {6 * MIB, 3 * MIB, 1024, 7 * MIB};
        StowageProcess[] completers = {a, b};
        for (int round = 0; round < completers.length; round++) {
            StowageProcess completer = completers[round];
            StowageProcess reader = completer == a ? b : a;
            String repository = repository("alternate");
            byte[] content = random(chunks[0] + chunks[1] + chunks[2] + chunks[3]);
            String digest = sha256(content);

            String location = startUpload(a, repository);
            int offset = 0;
            for (int i = 0; i < chunks.length; i++) {
                StowageProcess node = i % 2 == 0 ? a : b;
                HttpResponse<String> patched = send(HttpRequest.newBuilder(uri(node, location))
                        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content, offset, chunks[i]))
                        .header("Content-Type", "application/octet-stream")
                        .header("Content-Range", offset + "-" + (offset + chunks[i] - 1)));
                assertThat(patched.statusCode()).as("chunk %d on node %s: %s", i, node == a ? "a" : "b", patched.body())
                        .isEqualTo(202);
                offset += chunks[i];
                assertThat(patched.headers().firstValue("Range")).hasValue("0-" + (offset - 1));
                location = patched.headers().firstValue("Location").orElse(location);
            }
            HttpResponse<String> completed = send(HttpRequest.newBuilder(uri(completer, location + "?digest=" + digest))
                    .PUT(HttpRequest.BodyPublishers.noBody()));
            assertThat(completed.statusCode()).as(completed.body()).isEqualTo(201);

            assertThat(pull(reader, repository, digest)).isEqualTo(content);
        }
    }

    @Test
    void manifestPushedOnOneNodeIsServedByTagOnTheOther() throws Exception {
        String repository = repository("manifest");
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = random(300 * 1024);
        for (byte[] blob : new byte[][] {config, layer}) {
            HttpResponse<String> pushed = send(HttpRequest.newBuilder(
                    uri(a, "/v2/" + repository + "/blobs/uploads/?digest=" + sha256(blob)))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(blob)));
            assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
        }
        String mediaType = "application/vnd.oci.image.manifest.v1+json";
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + sha256(config)
                + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + sha256(layer) + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri(a, "/v2/" + repository + "/manifests/v1"))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

        HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(uri(b, "/v2/" + repository + "/manifests/v1"))
                .header("Accept", mediaType).timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(manifest);
        assertThat(got.headers().firstValue("Docker-Content-Digest")).hasValue(sha256(manifest));
        assertThat(pull(b, repository, sha256(layer))).isEqualTo(layer);
    }

    @Test
    void uploadOfANodeKilledMidStreamIsFinishedOnTheOther() throws Exception {
        String repository = repository("killed");
        byte[] content = random(16 * MIB);
        String digest = sha256(content);
        int first = 6 * MIB;
        try (StowageProcess doomed = node("doomed")) {
            String location = startUpload(doomed, repository);
            HttpResponse<String> chunk = send(HttpRequest.newBuilder(uri(doomed, location))
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content, 0, first))
                    .header("Content-Range", "0-" + (first - 1)));
            assertThat(chunk.statusCode()).as(chunk.body()).isEqualTo(202);

            // The rest, slowly (about 3 MiB/s), so that the node dies in the middle of it.
            CompletableFuture<HttpResponse<Void>> rest = http.sendAsync(HttpRequest.newBuilder(uri(doomed, location))
                    .method("PATCH", ThrottledBody.of(content, first, content.length - first, 64 * 1024))
                    .header("Content-Range", first + "-" + (content.length - 1)).build(),
                    HttpResponse.BodyHandlers.discarding());
            Thread.sleep(1500);
            doomed.kill();
            assertThat(rest).as("the node was killed before the chunk was through")
                    .failsWithin(Duration.ofMinutes(1)).withThrowableOfType(ExecutionException.class);

            HttpResponse<String> status = send(HttpRequest.newBuilder(uri(a, location)));
            assertThat(status.statusCode()).isEqualTo(204);
            String range = status.headers().firstValue("Range").orElseThrow();
            int received = Integer.parseInt(range.substring(range.indexOf('-') + 1)) + 1;
            assertThat(received).isGreaterThanOrEqualTo(first).isLessThan(content.length);

            HttpResponse<String> resumed = send(HttpRequest.newBuilder(uri(a, location))
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content, received, content.length - received))
                    .header("Content-Range", received + "-" + (content.length - 1)));
            assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
            HttpResponse<String> completed = send(HttpRequest.newBuilder(uri(a, location + "?digest=" + digest))
                    .PUT(HttpRequest.BodyPublishers.noBody()));
            assertThat(completed.statusCode()).as(completed.body()).isEqualTo(201);
            assertThat(pull(b, repository, digest)).isEqualTo(content);
        }
    }

    private static StowageProcess node(String name) throws IOException, InterruptedException {
        S3TestServer.bucket(BUCKET);
        List<String> arguments = new ArrayList<>(StowageProcess.databaseArguments(SCHEMA));
        arguments.addAll(List.of(
                "--stowage.storage.type=s3",
                "--stowage.storage.s3.endpoint=" + S3TestServer.endpoint(),
                "--stowage.storage.s3.region=" + S3TestServer.REGION,
                "--stowage.storage.s3.bucket=" + BUCKET,
                "--stowage.storage.s3.access-key=" + S3TestServer.ACCESS_KEY,
                "--stowage.storage.s3.secret-key=" + S3TestServer.SECRET_KEY,
                "--stowage.storage.s3.path-style=true",
                "--stowage.storage.s3.part-size=5MB"));
        return StowageProcess.start(dataDir.resolve(name), List.of("-XX:+UseSerialGC", "-Xmx256m"), arguments);
    }

    private String startUpload(StowageProcess node, String repository) throws Exception {
        HttpResponse<String> started = send(HttpRequest.newBuilder(uri(node, "/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return started.headers().firstValue("Location").orElseThrow();
    }

    private byte[] pull(StowageProcess node, String repository, String digest) throws Exception {
        HttpResponse<InputStream> pulled = http.send(HttpRequest.newBuilder(
                uri(node, "/v2/" + repository + "/blobs/" + digest)).timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(pulled.statusCode()).isEqualTo(200);
        try (InputStream body = pulled.body()) {
            return body.readAllBytes();
        }
    }

    private static URI uri(StowageProcess node, String pathOrUrl) {
        // Location may be absolute (another node's address) or a path: the path is what any node understands.
        URI given = URI.create(pathOrUrl);
        String path = given.getRawPath() + (given.getRawQuery() == null ? "" : "?" + given.getRawQuery());
        return URI.create(node.baseUrl() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String repository(String purpose) {
        return "two-nodes/" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new SplittableRandom(UUID.randomUUID().getMostSignificantBits()).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
