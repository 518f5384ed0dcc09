package io.stowage.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

import io.stowage.RegistryTestBase;
import io.stowage.storage.s3.S3Storage;
import io.stowage.storage.s3.S3TestServer;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Blob pulls with {@code stowage.storage.s3.redirect} on: GET answers 307 to a presigned S3 URL that needs no
 * credentials of any kind, HEAD still answers from the metadata. Its own application context (the property
 * differs), on the same bucket and schema as the other {@code @S3Storage} tests, like a second node.
 */
@S3Storage
@TestPropertySource(properties = {"stowage.storage.s3.redirect=true", "stowage.storage.s3.redirect-expiry=5m"})
class S3RedirectApiIT extends RegistryTestBase {

    /** A client that has never seen the registry: no cookies, no credentials, no Authorization header. */
    private static final HttpClient STRANGER = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final RegistryClient registry = new RegistryClient(http, this::request);

    private static HttpResponse<byte[]> fetch(URI location, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(location).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return STRANGER.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static URI assertRedirect(HttpResponse<byte[]> response, String digest) {
        assertThat(response.statusCode()).isEqualTo(307);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        assertThat(response.headers().firstValue("Cache-Control")).as("the location expires").hasValue("no-store");
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(S3TestServer.endpoint() + "/" + S3Storage.BUCKET + "/");
        URI uri = URI.create(location);
        assertThat(uri.getRawQuery()).contains("X-Amz-Signature=", "X-Amz-Expires=300");
        return uri;
    }

    @Test
    void getRedirectsToAPresignedUrlServingExactlyTheBlob() throws Exception {
        String repository = uniqueRepository("s3-redirect");
        RegistryClient.Blob blob = registry.pushRandomBlob(repository, 200_000);

        HttpResponse<byte[]> response = registry.getBytes("/v2/" + repository + "/blobs/" + blob.digest());

        URI location = assertRedirect(response, blob.digest());
        HttpResponse<byte[]> fromS3 = fetch(location);
        assertThat(fromS3.statusCode()).isEqualTo(200);
        assertThat(fromS3.body()).isEqualTo(blob.content());
        HttpResponse<byte[]> slice = fetch(location, "Range", "bytes=100-4195");
        assertThat(slice.statusCode()).isEqualTo(206);
        assertThat(slice.headers().firstValue("Content-Range")).hasValue("bytes 100-4195/200000");
        assertThat(slice.body()).isEqualTo(Arrays.copyOfRange(blob.content(), 100, 4196));
    }

    @Test
    void aRangedGetRedirectsTooAndTheClientSendsItsRangeThere() throws Exception {
        String repository = uniqueRepository("s3-redirect-range");
        RegistryClient.Blob blob = registry.pushRandomBlob(repository, 50_000);

        HttpResponse<byte[]> response = registry.getBytes("/v2/" + repository + "/blobs/" + blob.digest(),
                "Range", "bytes=49000-");

        URI location = assertRedirect(response, blob.digest());
        HttpResponse<byte[]> slice = fetch(location, "Range", "bytes=49000-");
        assertThat(slice.statusCode()).isEqualTo(206);
        assertThat(slice.body()).isEqualTo(Arrays.copyOfRange(blob.content(), 49_000, 50_000));
    }

    @Test
    void headAnswersFromTheMetadataWithoutRedirect() {
        String repository = uniqueRepository("s3-redirect-head");
        RegistryClient.Blob blob = registry.pushRandomBlob(repository, 3000);

        HttpResponse<String> response = registry.head("/v2/" + repository + "/blobs/" + blob.digest());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(response.headers().firstValue("Content-Length")).hasValue("3000");
        assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(blob.digest());
    }

    @Test
    void whatTheRegistryCanAnswerItselfIsNotRedirected() {
        String repository = uniqueRepository("s3-redirect-local");
        RegistryClient.Blob blob = registry.pushRandomBlob(repository, 3000);
        String path = "/v2/" + repository + "/blobs/" + blob.digest();

        HttpResponse<byte[]> notModified = registry.getBytes(path, "If-None-Match", "\"" + blob.digest() + "\"");
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.headers().firstValue("Location")).isEmpty();
        HttpResponse<byte[]> unsatisfiable = registry.getBytes(path, "Range", "bytes=3000-");
        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(unsatisfiable.headers().firstValue("Location")).isEmpty();
        HttpResponse<byte[]> unknown = registry.getBytes("/v2/" + repository + "/blobs/" + RegistryClient.unknownDigest());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Location")).isEmpty();
    }
}
