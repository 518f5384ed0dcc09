package io.stowage.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Arrays;

import io.stowage.storage.s3.S3Storage;
import org.junit.jupiter.api.Test;

/** {@link BlobApiIT} with blobs in S3 (S3Proxy). */
@S3Storage
class BlobApiS3IT extends BlobApiIT {

    private final RegistryClient client = new RegistryClient(http, this::request);

    @Test
    void withoutRedirectGetsStreamThroughStowage() {
        // stowage.storage.s3.redirect is off by default; S3RedirectApiIT covers it on.
        String repository = uniqueRepository("s3-stream");
        RegistryClient.Blob blob = client.pushRandomBlob(repository, 70_000);
        String path = "/v2/" + repository + "/blobs/" + blob.digest();

        HttpResponse<byte[]> whole = client.getBytes(path);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Location")).isEmpty();
        assertThat(whole.body()).isEqualTo(blob.content());
        HttpResponse<byte[]> ranged = client.getBytes(path, "Range", "bytes=10-19");
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.headers().firstValue("Location")).isEmpty();
        assertThat(ranged.body()).isEqualTo(Arrays.copyOfRange(blob.content(), 10, 20));
    }
}
