package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.withQuery;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Arrays;

import io.stowage.RegistryTestBase;
import io.stowage.metadata.BlobRecords;
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
}
