package io.stowage.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link S3BlobStore#downloadUrl}: presigned GetObject URLs, fetched as a redirected client would, with a plain
 * HTTP client and no S3 credentials. S3Proxy checks SigV4 query signatures and expiry like S3, which the
 * refusals below prove: without them, "works without credentials" would prove nothing.
 */
class S3DownloadUrlIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private static String bucket;
    private static S3BlobStore store;

    private final Random random = new Random();

    @BeforeAll
    static void startStore() throws IOException {
        bucket = S3TestServer.bucket("download-url-it");
        S3Connection connection = S3TestServer.connection();
        store = new S3BlobStore(connection.client(), connection.presigner(), bucket, 5 << 20);
        store.checkBucket();
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    private byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Stores {@code content} as a blob the way the registry does, returning its key. */
    private String storeBlob(byte[] content) throws IOException {
        String uploadId = UUID.randomUUID().toString();
        String state = store.writeUpload(uploadId, null, 0, new ByteArrayInputStream(content)).state();
        return store.commitUpload(uploadId, state, "sha256:unused", content.length);
    }

    private static HttpResponse<byte[]> get(URI uri, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aPresignedUrlServesTheObjectToAnyoneAndHonoursRange() throws Exception {
        byte[] content = randomBytes(300_000);
        String key = storeBlob(content);

        URI url = store.downloadUrl(key, Duration.ofMinutes(20)).orElseThrow();

        // Path-style on the configured endpoint, as the client addresses the bucket.
        assertThat(url.toString()).startsWith(S3TestServer.endpoint() + "/" + bucket + "/" + key + "?");
        assertThat(url.getRawQuery()).contains("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Expires=1200",
                "X-Amz-Signature=");
        HttpResponse<byte[]> whole = get(url);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(content);
        HttpResponse<byte[]> slice = get(url, "Range", "bytes=1000-1999");
        assertThat(slice.statusCode()).isEqualTo(206);
        assertThat(slice.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/" + content.length);
        assertThat(slice.body()).isEqualTo(Arrays.copyOfRange(content, 1000, 2000));
    }

    @Test
    void s3ProxyRefusesUnsignedAndTamperedRequests() throws Exception {
        String key = storeBlob(randomBytes(1000));
        URI url = store.downloadUrl(key, Duration.ofMinutes(5)).orElseThrow();

        URI unsigned = URI.create(S3TestServer.endpoint() + "/" + bucket + "/" + key);
        assertThat(get(unsigned).statusCode()).isEqualTo(403);
        String query = url.getRawQuery();
        int signature = query.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
        char flipped = query.charAt(signature) == '0' ? '1' : '0';
        URI tampered = URI.create(url.toString().replace(query,
                query.substring(0, signature) + flipped + query.substring(signature + 1)));
        assertThat(get(tampered).statusCode()).isEqualTo(403);
        // Another object under the same signature.
        String otherKey = storeBlob(randomBytes(1000));
        assertThat(get(URI.create(url.toString().replace(key, otherKey))).statusCode()).isEqualTo(403);
    }

    @Test
    void anExpiredUrlIsRefused() throws Exception {
        String key = storeBlob(randomBytes(1000));
        URI url = store.downloadUrl(key, Duration.ofSeconds(1)).orElseThrow();

        Thread.sleep(2_500);

        assertThat(get(url).statusCode()).isEqualTo(403);
    }

    @Test
    void validityIsLimitedToWhatSigV4Allows() {
        assertThatThrownBy(() -> store.downloadUrl("objects/x", Duration.ofDays(8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.downloadUrl("objects/x", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStoreWithoutPresignerGivesNoUrl() throws IOException {
        try (S3BlobStore plain = new S3BlobStore(S3TestServer.client(), bucket, 5 << 20)) {
            assertThat(plain.downloadUrl("objects/x", Duration.ofMinutes(5))).isEmpty();
        }
    }
}
