package io.stowage.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (a rolling update, a scale-in) while a chunk is still arriving: the node stops taking new requests but lets
 * the one in flight finish, exits cleanly, and the upload goes on after the restart from every byte acknowledged.
 */
class GracefulShutdownIT {

    private static final int MIB = 1 << 20;

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void aChunkInFlightAtSigtermCompletesAndTheUploadResumesAfterTheRestart() throws Exception {
        byte[] content = new byte[6 * MIB];
        ThreadLocalRandom.current().nextBytes(content);
        int first = 4 * MIB;
        String repository = "graceful/app";
        String location;
        CompletableFuture<HttpResponse<String>> chunk;
        StowageProcess node = StowageProcess.start(dataDir, "-Xmx256m");
        try {
            HttpResponse<String> started = http.send(HttpRequest.newBuilder(
                    URI.create(node.baseUrl() + "/v2/" + repository + "/blobs/uploads/"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).isEqualTo(202);
            location = started.headers().firstValue("Location").orElseThrow();
            // About 2.5 s of body at 1.6 MiB/s: SIGTERM comes while it streams.
            chunk = http.sendAsync(HttpRequest.newBuilder(URI.create(node.baseUrl() + location))
                    .method("PATCH", ThrottledBody.of(content, 0, first, 32 * 1024))
                    .header("Content-Range", "0-" + (first - 1)).timeout(Duration.ofMinutes(1)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(800);
            assertThat(chunk).isNotDone();
        } finally {
            assertThat(node.terminate()).as("exit status after SIGTERM").isIn(0, 143);
        }
        HttpResponse<String> finished;
        try {
            finished = chunk.get(1, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("the chunk in flight was cut off; the node logged:\n" + node.log(), e);
        }
        assertThat(finished.statusCode()).as("the chunk in flight finished: %s", finished.body()).isEqualTo(202);
        assertThat(finished.headers().firstValue("Range")).hasValue("0-" + (first - 1));
        assertThat(node.log()).contains("Commencing graceful shutdown");

        try (StowageProcess restarted = StowageProcess.start(dataDir, "-Xmx256m")) {
            URI upload = URI.create(restarted.baseUrl() + location);
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(upload).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(204);
            assertThat(status.headers().firstValue("Range")).hasValue("0-" + (first - 1));
            String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            HttpResponse<String> completed = http.send(HttpRequest.newBuilder(
                    URI.create(upload + (location.contains("?") ? "&" : "?") + "digest=" + digest))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(content, first, content.length - first))
                    .header("Content-Range", first + "-" + (content.length - 1)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(completed.statusCode()).as(completed.body()).isEqualTo(201);
            HttpResponse<byte[]> pulled = http.send(HttpRequest.newBuilder(
                    URI.create(restarted.baseUrl() + "/v2/" + repository + "/blobs/" + digest)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(pulled.body()).isEqualTo(content);
        }
    }
}
