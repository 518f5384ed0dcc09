package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;

import io.stowage.RegistryTestBase;
import io.stowage.distribution.RegistryClient.Blob;
import org.junit.jupiter.api.Test;

/** {@code /v2/<name>/blobs/<digest>} (end-2, end-10): HEAD, GET with ranges and conditions, DELETE. */
class BlobApiIT extends RegistryTestBase {

    private final RegistryClient registry = new RegistryClient(http, this::request);

    private static String blobPath(String repository, String digest) {
        return "/v2/" + repository + "/blobs/" + digest;
    }

    @Test
    void headDescribesTheBlobWithoutABody() {
        String repository = uniqueRepository("blob-head");
        Blob blob = registry.pushRandomBlob(repository, 1234);

        HttpResponse<String> response = registry.head(blobPath(repository, blob.digest()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(blob.digest());
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(1234);
        assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void getReturnsTheExactBytes() {
        String repository = uniqueRepository("blob-get");
        Blob blob = registry.pushRandomBlob(repository, 4321);

        HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, blob.digest()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(blob.content());
        assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(blob.digest());
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(4321);
        assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(response.headers().firstValue("ETag")).hasValue("\"" + blob.digest() + "\"");
        assertThat(response.headers().firstValue("Content-Range")).isEmpty();
    }

    @Test
    void getOfALargeBlobReturnsTheExactBytes() {
        // Large enough for the zero-copy (sendfile) path.
        String repository = uniqueRepository("blob-large");
        Blob blob = registry.pushRandomBlob(repository, 300 * 1024 + 7);

        HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, blob.digest()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(blob.content());
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(300 * 1024 + 7);
    }

    @Test
    void emptyBlobCanBeReadBack() {
        String repository = uniqueRepository("blob-empty");
        Blob blob = registry.pushBlob(repository, new byte[0]);

        HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, blob.digest()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("Docker-Content-Digest"))
                .hasValue("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(registry.head(blobPath(repository, blob.digest())).headers().firstValueAsLong("Content-Length"))
                .hasValue(0);
    }

    @Test
    void closedRangeReturns206WithContentRange() {
        String repository = uniqueRepository("blob-range");
        Blob blob = registry.pushRandomBlob(repository, 100);

        HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, blob.digest()), "Range", "bytes=10-19");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 10-19/100");
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(10);
        assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(blob.digest());
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(blob.content(), 10, 20));
    }

    @Test
    void openRangeRunsToTheEnd() {
        String repository = uniqueRepository("blob-range");
        Blob blob = registry.pushRandomBlob(repository, 100);

        HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, blob.digest()), "Range", "bytes=90-");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 90-99/100");
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(blob.content(), 90, 100));
    }

    @Test
    void suffixRangeReturnsTheLastBytes() {
        String repository = uniqueRepository("blob-range");
        Blob blob = registry.pushRandomBlob(repository, 100);

        HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, blob.digest()), "Range", "bytes=-7");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 93-99/100");
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(blob.content(), 93, 100));
    }

    @Test
    void suffixLongerThanTheBlobIsTheWholeBlob() {
        // RFC 9110 14.1.2: a suffix longer than the representation selects all of it.
        String repository = uniqueRepository("blob-range");
        Blob blob = registry.pushRandomBlob(repository, 100);

        HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, blob.digest()), "Range", "bytes=-500");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 0-99/100");
        assertThat(response.body()).isEqualTo(blob.content());
    }

    @Test
    void rangeEndBeyondTheBlobIsClamped() {
        String repository = uniqueRepository("blob-range");
        Blob blob = registry.pushRandomBlob(repository, 100);

        HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, blob.digest()), "Range", "bytes=50-1000");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 50-99/100");
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(blob.content(), 50, 100));
    }

    @Test
    void rangeOfALargeBlobReturnsTheExactSlice() {
        String repository = uniqueRepository("blob-range-large");
        Blob blob = registry.pushRandomBlob(repository, 256 * 1024);

        HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, blob.digest()),
                "Range", "bytes=70000-199999");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes 70000-199999/262144");
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(130000);
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(blob.content(), 70000, 200000));
    }

    @Test
    void rangeStartingAtTheEndIs416WithTheSize() {
        String repository = uniqueRepository("blob-range");
        Blob blob = registry.pushRandomBlob(repository, 100);

        for (String range : List.of("bytes=100-", "bytes=100-200", "bytes=5000-5001", "bytes=-0")) {
            HttpResponse<String> response = registry.send(registry.request(blobPath(repository, blob.digest()))
                    .header("Range", range).GET().build());

            assertThat(response.statusCode()).as(range).isEqualTo(416);
            assertThat(response.headers().firstValue("Content-Range")).as(range).hasValue("bytes */100");
            RegistryClient.assertOciErrorBody(response);
        }
    }

    @Test
    void unsupportedOrMalformedRangesServeTheWholeBlob() {
        // RFC 9110 14.2: a server MAY ignore the Range header; a malformed one MUST be ignored.
        String repository = uniqueRepository("blob-range");
        Blob blob = registry.pushRandomBlob(repository, 100);

        for (String range : List.of("items=0-5", "bytes=9-3", "bytes=abc", "bytes=")) {
            HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, blob.digest()), "Range", range);

            assertThat(response.statusCode()).as(range).isEqualTo(200);
            assertThat(response.body()).as(range).isEqualTo(blob.content());
        }
    }

    @Test
    void ifNoneMatchWithTheDigestIs304WithoutBody() {
        String repository = uniqueRepository("blob-etag");
        Blob blob = registry.pushRandomBlob(repository, 64);

        HttpResponse<byte[]> notModified = registry.getBytes(blobPath(repository, blob.digest()),
                "If-None-Match", "\"" + blob.digest() + "\"");
        HttpResponse<byte[]> other = registry.getBytes(blobPath(repository, blob.digest()),
                "If-None-Match", "\"" + RegistryClient.unknownDigest() + "\"");

        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(notModified.headers().firstValue("ETag")).hasValue("\"" + blob.digest() + "\"");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.body()).isEqualTo(blob.content());
    }

    @Test
    void unknownBlobIs404BlobUnknown() {
        String repository = uniqueRepository("blob-unknown");
        registry.pushRandomBlob(repository, 10);
        String digest = RegistryClient.unknownDigest();

        assertError(registry.get(blobPath(repository, digest)), 404, "BLOB_UNKNOWN");
        assertThat(registry.head(blobPath(repository, digest)).statusCode()).isEqualTo(404);
    }

    @Test
    void blobOfAnUnknownRepositoryIs404NameUnknown() {
        HttpResponse<String> response = registry.get(
                blobPath(uniqueRepository("blob-norepo"), RegistryClient.unknownDigest()));

        assertError(response, 404, "NAME_UNKNOWN");
    }

    @Test
    void blobOfOneRepositoryIsNotReadableThroughAnother() {
        String owner = uniqueRepository("blob-owner");
        String other = uniqueRepository("blob-other");
        Blob blob = registry.pushRandomBlob(owner, 300);
        registry.pushRandomBlob(other, 10); // the other repository exists

        assertError(registry.get(blobPath(other, blob.digest())), 404, "BLOB_UNKNOWN");
        assertThat(registry.head(blobPath(other, blob.digest())).statusCode()).isEqualTo(404);
        assertError(registry.send(registry.request(blobPath(other, blob.digest())).header("Range", "bytes=0-9")
                .GET().build()), 404, "BLOB_UNKNOWN");
    }

    @Test
    void blobBecomesReadableInAnotherRepositoryOnceMountedOrPushedThere() {
        String owner = uniqueRepository("blob-owner");
        String mounted = uniqueRepository("blob-mounted");
        String pushed = uniqueRepository("blob-pushed");
        Blob blob = registry.pushRandomBlob(owner, 300);

        HttpResponse<String> mount = registry.method("POST",
                "/v2/" + mounted + "/blobs/uploads/?mount=" + blob.digest() + "&from=" + owner, null);
        assertThat(mount.statusCode()).isEqualTo(201);
        registry.pushBlob(pushed, blob.content());

        for (String repository : List.of(mounted, pushed)) {
            HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, blob.digest()));
            assertThat(response.statusCode()).as(repository).isEqualTo(200);
            assertThat(response.body()).as(repository).isEqualTo(blob.content());
        }
    }

    @Test
    void deleteIs202AndTheBlobIsGoneFromThatRepositoryOnly() {
        String repository = uniqueRepository("blob-delete");
        String other = uniqueRepository("blob-keep");
        Blob blob = registry.pushRandomBlob(repository, 200);
        registry.pushBlob(other, blob.content());

        HttpResponse<String> delete = registry.delete(blobPath(repository, blob.digest()));

        assertThat(delete.statusCode()).isEqualTo(202);
        assertError(registry.get(blobPath(repository, blob.digest())), 404, "BLOB_UNKNOWN");
        assertThat(registry.head(blobPath(repository, blob.digest())).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> kept = registry.getBytes(blobPath(other, blob.digest()));
        assertThat(kept.statusCode()).isEqualTo(200);
        assertThat(kept.body()).isEqualTo(blob.content());
    }

    @Test
    void deletingAnUnknownBlobIs404() {
        String repository = uniqueRepository("blob-delete");
        registry.pushRandomBlob(repository, 10);

        assertError(registry.delete(blobPath(repository, RegistryClient.unknownDigest())), 404, "BLOB_UNKNOWN");
        assertError(registry.delete(blobPath(uniqueRepository("blob-nothing"), RegistryClient.unknownDigest())),
                404, "NAME_UNKNOWN");
    }

    @Test
    void deletingABlobAnImageNeedsIsRefusedAndTheImageStaysWhole() {
        String repository = uniqueRepository("blob-inuse");
        RegistryClient.Blob config = registry.pushConfig(repository, RegistryClient.OCI_CONFIG);
        RegistryClient.Blob layer = registry.pushRandomBlob(repository, 100);
        registry.pushManifest(repository, "v1", RegistryClient.OCI_MANIFEST,
                RegistryClient.imageManifest(RegistryClient.OCI_MANIFEST, config, List.of(layer)));

        HttpResponse<String> delete = registry.delete(blobPath(repository, layer.digest()));

        assertError(delete, 409, "DENIED");
        assertThat(registry.getBytes(blobPath(repository, layer.digest())).body()).isEqualTo(layer.content());
    }

    @Test
    void invalidDigestIs400DigestInvalid() {
        String repository = uniqueRepository("blob-baddigest");
        registry.pushRandomBlob(repository, 10);

        for (String digest : List.of("sha256:totallywrong", "sha256:" + "A".repeat(64), "md5:d41d8cd98f00b204e9800998ecf8427e",
                "sha256:" + "0".repeat(63), "sha512:" + "0".repeat(64))) {
            assertError(registry.get(blobPath(repository, digest)), 400, "DIGEST_INVALID");
            assertError(registry.delete(blobPath(repository, digest)), 400, "DIGEST_INVALID");
            assertThat(registry.head(blobPath(repository, digest)).statusCode()).as(digest).isEqualTo(400);
        }
    }
}
