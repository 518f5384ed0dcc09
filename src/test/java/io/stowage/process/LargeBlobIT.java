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
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blobs are streamed, never held whole in memory: a 2 GiB blob is pushed (one PATCH stream, as docker
 * does) and pulled back through a Stowage JVM limited to {@code -Xmx256m}. The peak RSS is reported.
 */
class LargeBlobIT {

    private static final long SIZE = Long.getLong("stowage.test.large-blob-bytes", 2L << 30);

    @TempDir
    Path dataDir;

    @Test
    void twoGibBlobRoundTripsThroughA256MibHeap() throws Exception {
        String expected = GeneratedContent.sha256(7, SIZE);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try (StowageProcess stowage = StowageProcess.start(dataDir, "-Xmx256m")) {
            String repository = "large/blob";
            HttpResponse<Void> started = http.send(HttpRequest.newBuilder(
                    URI.create(stowage.baseUrl() + "/v2/" + repository + "/blobs/uploads/"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(started.statusCode()).isEqualTo(202);
            String location = started.headers().firstValue("Location").orElseThrow();

            HttpResponse<String> patched = http.send(HttpRequest.newBuilder(URI.create(stowage.baseUrl() + location))
                    .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedContent(7, SIZE)), SIZE))
                    .header("Content-Type", "application/octet-stream")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(patched.statusCode()).as(patched.body()).isEqualTo(202);
            assertThat(patched.headers().firstValue("Range")).hasValue("0-" + (SIZE - 1));

            String next = patched.headers().firstValue("Location").orElseThrow();
            HttpResponse<String> completed = http.send(HttpRequest.newBuilder(
                    URI.create(stowage.baseUrl() + next + "?digest=" + expected))
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(completed.statusCode()).as(completed.body()).isEqualTo(201);

            HttpResponse<InputStream> pulled = http.send(HttpRequest.newBuilder(
                    URI.create(stowage.baseUrl() + "/v2/" + repository + "/blobs/" + expected)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(pulled.statusCode()).isEqualTo(200);
            assertThat(pulled.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long received = 0;
            try (InputStream body = pulled.body()) {
                byte[] buffer = new byte[1 << 20];
                int n;
                while ((n = body.read(buffer)) > 0) {
                    sha.update(buffer, 0, n);
                    received += n;
                }
            }
            assertThat(received).isEqualTo(SIZE);
            assertThat("sha256:" + HexFormat.of().formatHex(sha.digest())).isEqualTo(expected);

            long peakRss = stowage.peakRssBytes();
            String report = "large blob round trip: " + SIZE + " bytes with -Xmx256m, peak RSS of the Stowage JVM "
                    + (peakRss >> 20) + " MiB";
            System.out.println(report);
            Path reports = Path.of("target", "measurements");
            Files.createDirectories(reports);
            Files.writeString(reports.resolve("large-blob-rss.txt"), report + System.lineSeparator());
            assertThat(stowage.log()).doesNotContain("OutOfMemoryError");
        }
    }
}
