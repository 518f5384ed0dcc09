package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.registry.UploadExpiry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Abandoned uploads are cleaned up: a session untouched for {@code stowage.uploads.expiry} (24 h) is cancelled
 * and its bytes deleted from storage (on S3: the multipart upload aborted, carried tails deleted), while a
 * session in use stays.
 */
class UploadExpiryIT extends RegistryTestBase {

    private static final int CHUNK = 6 * 1024 * 1024 + 10; // on S3: one part sent, plus a carried tail

    private final RegistryClient registry = new RegistryClient(http, this::request);

    @Autowired
    private UploadExpiry expiry;

    @Autowired
    private JdbcClient jdbc;

    @Test
    void anAbandonedUploadIsCancelledAndItsBytesDeletedWhileAnActiveOneStays() {
        String repository = uniqueRepository("expiry");
        String abandoned = startWithChunk(repository);
        String active = startWithChunk(repository);
        String abandonedId = abandoned.substring(abandoned.lastIndexOf('/') + 1);
        String activeId = active.substring(active.lastIndexOf('/') + 1);
        assertThat(storedObjects().uploads()).contains(abandonedId, activeId);

        jdbc.sql("update uploads set updated_at = now() - interval '25 hours' where id = ?")
                .param(UUID.fromString(abandonedId)).update();
        expiry.sweep();

        assertError(registry.send(registry.requestLocation(abandoned).GET().build()), 404, "BLOB_UPLOAD_UNKNOWN");
        assertThat(storedObjects().uploads()).doesNotContain(abandonedId).contains(activeId);
        HttpResponse<String> status = registry.send(registry.requestLocation(active).GET().build());
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).hasValue("0-" + (CHUNK - 1));
    }

    @Test
    void strayUploadBytesThatNoSessionOwnsAreSwept() throws Exception {
        // What a node that died in the middle of a monolithic push leaves behind: bytes without a session row.
        Path stray = storageRoot().resolve("uploads").resolve(UUID.randomUUID().toString());
        Files.write(stray, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(stray, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
        Path fresh = storageRoot().resolve("uploads").resolve(UUID.randomUUID().toString());
        Files.write(fresh, new byte[] {4, 5, 6});

        expiry.sweep();

        assertThat(stray).doesNotExist();
        assertThat(fresh).exists();
        Files.delete(fresh);
    }

    private String startWithChunk(String repository) {
        String location = registry.startUpload(repository);
        HttpResponse<String> patched = registry.send(registry.requestLocation(location)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", "0-" + (CHUNK - 1))
                .method("PATCH", BodyPublishers.ofByteArray(RegistryClient.randomBytes(CHUNK))).build());
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(202);
        return patched.headers().firstValue("Location").orElseThrow();
    }
}
