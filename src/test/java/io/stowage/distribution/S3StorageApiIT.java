package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.withQuery;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.stowage.RegistryTestBase;
import io.stowage.config.StowageProperties;
import io.stowage.metadata.BlobRecords;
import io.stowage.process.GeneratedContent;
import io.stowage.storage.s3.S3RequestLog;
import io.stowage.storage.s3.S3Storage;
import io.stowage.storage.s3.S3TestServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.s3.S3Client;

/** What only the s3 backend does, through the API: multipart pushes, ranged pulls, S3 failures as 503. */
@S3Storage
class S3StorageApiIT extends RegistryTestBase {

    private static final int MIB = 1 << 20;

    private final RegistryClient registry = new RegistryClient(http, this::request);

    @Autowired
    private BlobRecords blobRecords;

    @Autowired
    private StowageProperties properties;

    private static long copies() {
        return S3RequestLog.count("CopyObject") + S3RequestLog.count("UploadPartCopy");
    }

    private HttpResponse<String> patch(String location, byte[] content, int from, int to) {
        return registry.send(registry.requestLocation(location).header("Content-Type", "application/octet-stream")
                .header("Content-Range", from + "-" + (to - 1))
                .method("PATCH", BodyPublishers.ofByteArray(content, from, to - from)).build());
    }

    @Test
    void chunksOfAnySizeBecomeOneMultipartObjectWithoutCopies() {
        String repository = uniqueRepository("s3-chunks");
        byte[] content = RegistryClient.randomBytes(6 * MIB + 1 + 7 * MIB + 1000);
        String digest = RegistryClient.sha256(content);
        long copies = S3RequestLog.count("CopyObject") + S3RequestLog.count("UploadPartCopy");
        long parts = S3RequestLog.count("UploadPart");
        long completions = S3RequestLog.count("CompleteMultipartUpload");

        String location = registry.startUpload(repository);
        HttpResponse<String> response = patch(location, content, 0, 6 * MIB);
        assertThat(response.statusCode()).isEqualTo(202);
        location = response.headers().firstValue("Location").orElseThrow();
        response = patch(location, content, 6 * MIB, 6 * MIB + 1);
        assertThat(response.statusCode()).isEqualTo(202);
        location = response.headers().firstValue("Location").orElseThrow();
        response = registry.send(registry.requestLocation(withQuery(location, "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", (6 * MIB + 1) + "-" + (content.length - 1))
                .PUT(BodyPublishers.ofByteArray(content, 6 * MIB + 1, content.length - 6 * MIB - 1)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);

        String blobPath = "/v2/" + repository + "/blobs/" + digest;
        assertThat(registry.getBytes(blobPath).body()).isEqualTo(content);
        HttpResponse<byte[]> ranged = registry.getBytes(blobPath, "Range", "bytes=" + (8 * MIB - 3) + "-" + (8 * MIB + 2));
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(content, 8 * MIB - 3, 8 * MIB + 3));
        assertThat(S3RequestLog.count("UploadPart") - parts).as("parts sent").isEqualTo(2);
        assertThat(S3RequestLog.count("CompleteMultipartUpload") - completions).isEqualTo(1);
        assertThat(S3RequestLog.count("CopyObject") + S3RequestLog.count("UploadPartCopy")).isEqualTo(copies);
        assertThat(storedObjects().holding(content))
                .containsExactly(blobRecords.find(digest).orElseThrow().storageKey());
    }

    @Test
    void aMissingObjectIs503WithAnOciErrorNot500() {
        String repository = uniqueRepository("s3-missing");
        RegistryClient.Blob blob = registry.pushRandomBlob(repository, 2000);
        String key = blobRecords.find(blob.digest()).orElseThrow().storageKey();
        try (S3Client s3 = S3TestServer.client()) {
            s3.deleteObject(b -> b.bucket(S3Storage.BUCKET).key(key));
        }

        HttpResponse<String> response = registry.get("/v2/" + repository + "/blobs/" + blob.digest());

        // UNAVAILABLE is not in the spec's table (so not assertError): it is the code Stowage's error handler
        // uses for storage I/O failures, which clients retry.
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(RegistryClient.json(response.body()).get("errors").get(0).get("code").asString())
                .isEqualTo("UNAVAILABLE");
    }

    @Test
    void theSameLayerPushedToSixRepositoriesLeavesExactlyOneObject() {
        // Larger than a part (8 MiB by default), so the chunked push below is a multipart upload with carried tails.
        byte[] content = RegistryClient.randomBytes(10 * MIB + 4321);
        String digest = RegistryClient.sha256(content);
        Set<String> uploadsBefore = storedObjects().uploads();
        long completionsBefore = S3RequestLog.count("CompleteMultipartUpload");
        List<String> repositories = List.of(uniqueRepository("s3-dedup-1"), uniqueRepository("s3-dedup-2"),
                uniqueRepository("s3-dedup-3"), uniqueRepository("s3-dedup-4"), uniqueRepository("s3-dedup-5"),
                uniqueRepository("s3-dedup-chunked"));

        for (String repository : repositories.subList(0, 5)) {
            registry.pushBlob(repository, content);
        }
        // Once more as a chunked upload, which writes an object of its own before it knows the digest is stored.
        String chunked = repositories.get(5);
        String location = registry.startUpload(chunked);
        HttpResponse<String> response = patch(location, content, 0, 6 * MIB);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        location = response.headers().firstValue("Location").orElseThrow();
        response = patch(location, content, 6 * MIB, 9 * MIB);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        location = response.headers().firstValue("Location").orElseThrow();
        response = registry.send(registry.requestLocation(withQuery(location, "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", (9 * MIB) + "-" + (content.length - 1))
                .PUT(BodyPublishers.ofByteArray(content, 9 * MIB, content.length - 9 * MIB)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);

        for (String repository : repositories) {
            assertThat(registry.getBytes("/v2/" + repository + "/blobs/" + digest).body()).as(repository)
                    .isEqualTo(content);
        }
        String key = blobRecords.find(digest).orElseThrow().storageKey();
        // The first monolithic push and the chunked one each completed a multipart upload; pushes 2 to 5 found the
        // digest stored and wrote nothing, the chunked duplicate was deleted once the blob turned out to be known.
        assertThat(S3RequestLog.count("CompleteMultipartUpload") - completionsBefore).isEqualTo(2);
        assertThat(storedObjects().holding(content)).as("objects holding the layer").containsExactly(key);
        try (S3Client s3 = S3TestServer.client()) {
            assertThat(s3.listObjectsV2Paginator(b -> b.bucket(S3Storage.BUCKET)).contents().stream()
                    .filter(o -> o.size() == content.length).map(o -> o.key()).toList())
                    .as("objects of the layer's size, anywhere in the bucket").containsExactly(key);
        }
        assertThat(storedObjects().uploads()).as("multipart uploads or carried tails left behind")
                .isSubsetOf(uploadsBefore);
    }

    /**
     * A 1 GiB chunked push (generated on the fly, never held whole in memory; S3Proxy stores on disk) is sent as
     * parts while the chunks arrive, and completing it sends the carried rest as the last part: not one byte is
     * copied inside S3. Chunks of 60 MiB do not end on part boundaries, so PATCHes carry tails to the next one.
     */
    @Test
    void completingAOneGibChunkedUploadCopiesNothing() throws Exception {
        long size = 1L << 30;
        long chunk = 60L * MIB;
        long partSize = properties.storage().s3().partSize().toBytes();
        long seed = ThreadLocalRandom.current().nextLong();
        String repository = uniqueRepository("s3-gib");
        long copies = copies();
        long parts = S3RequestLog.count("UploadPart");
        long completions = S3RequestLog.count("CompleteMultipartUpload");
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        String key = null;
        String location = registry.startUpload(repository);
        try (InputStream content = new DigestInputStream(new GeneratedContent(seed, size), sent)) {
            for (long offset = 0; offset < size; offset += chunk) {
                long length = Math.min(chunk, size - offset);
                HttpResponse<String> response = patch(location, content, offset, length);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                assertThat(response.headers().firstValue("Range")).hasValue("0-" + (offset + length - 1));
                location = response.headers().firstValue("Location").orElseThrow();
            }
            assertThat(content.read()).as("all generated bytes sent").isEqualTo(-1);
            String digest = "sha256:" + HexFormat.of().formatHex(sent.digest());
            HttpResponse<String> response = registry.send(registry.requestLocation(
                    withQuery(location, "digest=" + digest)).PUT(BodyPublishers.noBody()).build());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            key = blobRecords.find(digest).orElseThrow().storageKey();

            assertThat(copies()).as("CopyObject/UploadPartCopy requests").isEqualTo(copies);
            assertThat(S3RequestLog.count("UploadPart") - parts).as("parts sent")
                    .isEqualTo((size + partSize - 1) / partSize);
            assertThat(S3RequestLog.count("CompleteMultipartUpload") - completions).isEqualTo(1);

            HttpResponse<InputStream> pulled = http.send(request("/v2/" + repository + "/blobs/" + digest).GET()
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(pulled.statusCode()).isEqualTo(200);
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            long count;
            try (InputStream body = new DigestInputStream(pulled.body(), received)) {
                count = body.transferTo(OutputStream.nullOutputStream());
            }
            assertThat(count).isEqualTo(size);
            assertThat("sha256:" + HexFormat.of().formatHex(received.digest())).isEqualTo(digest);
        } finally {
            // 1 GiB in S3Proxy's directory: delete it, whether the push completed or not.
            if (key == null) {
                registry.delete(location);
            } else {
                String object = key;
                try (S3Client s3 = S3TestServer.client()) {
                    s3.deleteObject(b -> b.bucket(S3Storage.BUCKET).key(object));
                }
            }
        }
    }

    /** PATCHes the next {@code length} bytes of {@code content}, streamed, as the chunk at {@code offset}. */
    private HttpResponse<String> patch(String location, InputStream content, long offset, long length) {
        return registry.send(registry.requestLocation(location).header("Content-Type", "application/octet-stream")
                .header("Content-Range", offset + "-" + (offset + length - 1))
                .method("PATCH", BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> slice(content, length)),
                        length)).build());
    }

    /** The next {@code length} bytes of {@code in}, leaving {@code in} open. */
    private static InputStream slice(InputStream in, long length) {
        return new FilterInputStream(in) {
            private long remaining = length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n > 0) {
                    remaining -= n;
                }
                return n;
            }

            @Override
            public void close() {
                // the chunks share one stream
            }
        };
    }
}
