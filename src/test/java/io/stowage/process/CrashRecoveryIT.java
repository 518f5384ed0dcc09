package io.stowage.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Stowage process killed with SIGKILL in the middle of uploads leaves no half-written blob visible,
 * starts again on the same data directory (embedded PostgreSQL included), and the interrupted chunked
 * upload resumes from the bytes the registry acknowledged, on a node that never saw its digest state.
 */
class CrashRecoveryIT {

    private static final long MIB = 1 << 20;
    private static final long FIRST_CHUNK = 8 * MIB;
    private static final long TOTAL = 64 * MIB;

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void killedMidUploadThenRestartedAndResumed() throws Exception {
        String digest = GeneratedContent.sha256(11, TOTAL);
        String monolithicDigest = GeneratedContent.sha256(12, TOTAL);
        String repository = "crash/test";
        String location;

        StowageProcess first = StowageProcess.start(dataDir);
        try {
            HttpResponse<String> started = send(HttpRequest.newBuilder(uri(first, "/v2/" + repository + "/blobs/uploads/"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(started.statusCode()).isEqualTo(202);
            location = started.headers().firstValue("Location").orElseThrow();
            String uploadId = location.substring(location.lastIndexOf('/') + 1);

            HttpResponse<String> chunk = send(HttpRequest.newBuilder(uri(first, location))
                    .method("PATCH", slice(11, 0, FIRST_CHUNK))
                    .header("Content-Range", "0-" + (FIRST_CHUNK - 1)));
            assertThat(chunk.statusCode()).as(chunk.body()).isEqualTo(202);

            // Two streams in flight when the process dies: the rest of the chunked upload, and a monolithic push.
            CompletableFuture<?> rest = http.sendAsync(HttpRequest.newBuilder(uri(first, location))
                    .method("PATCH", throttled(11, FIRST_CHUNK, TOTAL - FIRST_CHUNK))
                    .header("Content-Range", FIRST_CHUNK + "-" + (TOTAL - 1)).build(),
                    HttpResponse.BodyHandlers.discarding());
            CompletableFuture<?> monolithic = http.sendAsync(HttpRequest.newBuilder(
                    uri(first, "/v2/" + repository + "/blobs/uploads/?digest=" + monolithicDigest))
                    .POST(throttled(12, 0, TOTAL)).build(), HttpResponse.BodyHandlers.discarding());
            awaitUploadFileLargerThan(dataDir.resolve("storage/uploads/" + uploadId), FIRST_CHUNK + 8 * MIB);
            first.kill();
            rest.handle((r, e) -> null).join();
            monolithic.handle((r, e) -> null).join();
        } finally {
            first.close();
        }

        try (StowageProcess second = StowageProcess.start(dataDir)) {
            for (String blob : new String[] {digest, monolithicDigest}) {
                HttpResponse<String> head = send(HttpRequest.newBuilder(uri(second, "/v2/" + repository + "/blobs/" + blob))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
                assertThat(head.statusCode()).as("blob %s must not be visible", blob).isEqualTo(404);
            }
            try (Stream<Path> blobs = Files.walk(dataDir.resolve("storage/blobs"))) {
                assertThat(blobs.filter(Files::isRegularFile).toList()).as("no object at a blob key").isEmpty();
            }

            HttpResponse<String> status = send(HttpRequest.newBuilder(uri(second, location)));
            assertThat(status.statusCode()).isEqualTo(204);
            assertThat(status.headers().firstValue("Range")).hasValue("0-" + (FIRST_CHUNK - 1));

            HttpResponse<String> resumed = send(HttpRequest.newBuilder(uri(second, location))
                    .method("PATCH", slice(11, FIRST_CHUNK, TOTAL - FIRST_CHUNK))
                    .header("Content-Range", FIRST_CHUNK + "-" + (TOTAL - 1)));
            assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
            HttpResponse<String> completed = send(HttpRequest.newBuilder(uri(second, location + "?digest=" + digest))
                    .PUT(HttpRequest.BodyPublishers.noBody()));
            assertThat(completed.statusCode()).as(completed.body()).isEqualTo(201);

            HttpResponse<InputStream> pulled = http.send(HttpRequest.newBuilder(
                    uri(second, "/v2/" + repository + "/blobs/" + digest)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(pulled.statusCode()).isEqualTo(200);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream body = pulled.body()) {
                sha.update(body.readAllBytes());
            }
            assertThat("sha256:" + HexFormat.of().formatHex(sha.digest())).isEqualTo(digest);
        }
    }

    private URI uri(StowageProcess stowage, String path) {
        return URI.create(stowage.baseUrl() + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Bytes [offset, offset+length) of the generated stream for {@code seed}. */
    private static HttpRequest.BodyPublisher slice(long seed, long offset, long length) {
        return HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> generated(seed, offset, length)), length);
    }

    /** Like {@link #slice}, but slow (about 40 MiB/s), so that the process can be killed mid-stream. */
    private static HttpRequest.BodyPublisher throttled(long seed, long offset, long length) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() ->
                new java.io.FilterInputStream(generated(seed, offset, length)) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return super.read(b, off, Math.min(len, 256 * 1024));
                    }
                }), length);
    }

    private static InputStream generated(long seed, long offset, long length) {
        InputStream in = new GeneratedContent(seed, offset + length);
        try {
            in.skipNBytes(offset);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return in;
    }

    private static void awaitUploadFileLargerThan(Path file, long size) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(file) && Files.size(file) > size) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("upload file " + file + " never grew past " + size + " bytes");
    }
}
