package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.assertError;
import static io.stowage.distribution.RegistryClient.withQuery;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.stowage.RegistryTestBase;
import io.stowage.metadata.BlobRecords;
import io.stowage.distribution.RegistryClient.Blob;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code /v2/<name>/blobs/uploads/} (end-4a/b/c, end-5, end-6, end-11, end-13, end-14): monolithic and chunked
 * pushes, session status and cancel, cross-repository mounts, deduplication and concurrency.
 */
class UploadApiIT extends RegistryTestBase {

    private final RegistryClient registry = new RegistryClient(http, this::request);

    @Autowired
    private BlobRecords blobRecords;

    private static String uploads(String repository) {
        return "/v2/" + repository + "/blobs/uploads/";
    }

    private static String blobPath(String repository, String digest) {
        return "/v2/" + repository + "/blobs/" + digest;
    }

    private HttpResponse<String> patch(String location, byte[] chunk, String contentRange) {
        var builder = registry.requestLocation(location).header("Content-Type", "application/octet-stream")
                .method("PATCH", BodyPublishers.ofByteArray(chunk));
        if (contentRange != null) {
            builder.header("Content-Range", contentRange);
        }
        return registry.send(builder.build());
    }

    private HttpResponse<String> put(String location, String digest, byte[] chunk, String contentRange) {
        var builder = registry.requestLocation(withQuery(location, "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(chunk == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(chunk));
        if (contentRange != null) {
            builder.header("Content-Range", contentRange);
        }
        return registry.send(builder.build());
    }

    private HttpResponse<String> status(String location) {
        return registry.send(registry.requestLocation(location).GET().build());
    }

    private void assertBlob(String repository, Blob blob) {
        assertBlob(repository, blob.digest(), blob.content());
    }

    private void assertBlob(String repository, String digest, byte[] content) {
        HttpResponse<byte[]> response = registry.getBytes(blobPath(repository, digest));
        assertThat(response.statusCode()).as("GET %s in %s", digest, repository).isEqualTo(200);
        assertThat(response.body()).isEqualTo(content);
        assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    }

    private static void assertCreated(HttpResponse<String> response, String repository, String digest) {
        assertThat(response.statusCode()).as("%s", response.body()).isEqualTo(201);
        assertThat(response.headers().firstValue("Location")).hasValue(blobPath(repository, digest));
        assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    }

    private static String uploadId(String location) {
        return location.substring(location.lastIndexOf('/') + 1).replaceFirst("\\?.*", "");
    }

    // ---------------------------------------------------------------- monolithic

    @Test
    void singlePostWithDigestCreatesTheBlob() {
        String repository = uniqueRepository("upload-post");
        byte[] content = RegistryClient.randomBytes(5000);
        String digest = RegistryClient.sha256(content);

        HttpResponse<String> response = registry.send(registry.request(uploads(repository) + "?digest=" + digest)
                .header("Content-Type", "application/octet-stream").POST(BodyPublishers.ofByteArray(content)).build());

        assertCreated(response, repository, digest);
        assertBlob(repository, digest, content);
    }

    @Test
    void postThenPutCreatesTheBlob() {
        String repository = uniqueRepository("upload-postput");
        byte[] content = RegistryClient.randomBytes(3000);
        String digest = RegistryClient.sha256(content);

        HttpResponse<String> post = registry.method("POST", uploads(repository), null);
        assertThat(post.statusCode()).isEqualTo(202);
        String location = post.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(uploads(repository));
        assertThat(UUID.fromString(uploadId(location)).toString()).isEqualTo(uploadId(location));
        assertThat(post.headers().firstValue("Docker-Upload-UUID")).hasValue(uploadId(location));
        assertThat(post.headers().firstValue("Range")).hasValue("0-0");

        HttpResponse<String> put = put(location, digest, content, null);

        assertCreated(put, repository, digest);
        assertBlob(repository, digest, content);
        assertError(status(location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void eachPostOpensADistinctSession() {
        String repository = uniqueRepository("upload-sessions");

        String first = registry.startUpload(repository);
        String second = registry.startUpload(repository);

        assertThat(uploadId(first)).isNotEqualTo(uploadId(second));
    }

    @Test
    void emptyBlobCanBePushedByPostThenPut() {
        String repository = uniqueRepository("upload-empty");
        String location = registry.startUpload(repository);
        String digest = RegistryClient.sha256(new byte[0]);

        assertCreated(put(location, digest, null, null), repository, digest);
        assertBlob(repository, digest, new byte[0]);
    }

    // ---------------------------------------------------------------- chunked

    @Test
    void chunkedUploadWithContentRange() {
        String repository = uniqueRepository("upload-chunked");
        byte[] content = RegistryClient.randomBytes(3000);
        String digest = RegistryClient.sha256(content);
        String location = registry.startUpload(repository);

        int[][] chunks = {{0, 1000}, {1000, 2500}, {2500, 3000}};
        for (int[] chunk : chunks) {
            HttpResponse<String> response = patch(location, Arrays.copyOfRange(content, chunk[0], chunk[1]),
                    chunk[0] + "-" + (chunk[1] - 1));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(response.headers().firstValue("Range")).hasValue("0-" + (chunk[1] - 1));
            assertThat(response.headers().firstValue("Docker-Upload-UUID")).hasValue(uploadId(location));
            location = response.headers().firstValue("Location").orElseThrow();
        }

        assertCreated(put(location, digest, null, null), repository, digest);
        assertBlob(repository, digest, content);
    }

    @Test
    void chunkedUploadWithoutContentRangeAppends() {
        // What docker and containerd do: PATCH the chunks in order with no Content-Range.
        String repository = uniqueRepository("upload-stream");
        byte[] content = RegistryClient.randomBytes(2048);
        String digest = RegistryClient.sha256(content);
        String location = registry.startUpload(repository);

        HttpResponse<String> first = patch(location, Arrays.copyOfRange(content, 0, 1024), null);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("Range")).hasValue("0-1023");
        HttpResponse<String> second = patch(first.headers().firstValue("Location").orElseThrow(),
                Arrays.copyOfRange(content, 1024, 2048), null);
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(second.headers().firstValue("Range")).hasValue("0-2047");

        assertCreated(put(second.headers().firstValue("Location").orElseThrow(), digest, null, null),
                repository, digest);
        assertBlob(repository, digest, content);
    }

    @Test
    void finalChunkMayComeWithTheClosingPut() {
        String repository = uniqueRepository("upload-finalput");
        byte[] content = RegistryClient.randomBytes(1500);
        String digest = RegistryClient.sha256(content);
        String location = registry.startUpload(repository);
        location = patch(location, Arrays.copyOfRange(content, 0, 1000), "0-999")
                .headers().firstValue("Location").orElseThrow();

        HttpResponse<String> put = put(location, digest, Arrays.copyOfRange(content, 1000, 1500), "1000-1499");

        assertCreated(put, repository, digest);
        assertBlob(repository, digest, content);
    }

    @Test
    void finalChunkWithoutContentRangeInTheClosingPut() {
        String repository = uniqueRepository("upload-finalput");
        byte[] content = RegistryClient.randomBytes(1500);
        String digest = RegistryClient.sha256(content);
        String location = registry.startUpload(repository);
        location = patch(location, Arrays.copyOfRange(content, 0, 700), null)
                .headers().firstValue("Location").orElseThrow();

        assertCreated(put(location, digest, Arrays.copyOfRange(content, 700, 1500), null), repository, digest);
        assertBlob(repository, digest, content);
    }

    @Test
    void statusReports204WithRangeAndLocation() {
        String repository = uniqueRepository("upload-status");
        String location = registry.startUpload(repository);

        HttpResponse<String> empty = status(location);
        assertThat(empty.statusCode()).isEqualTo(204);
        assertThat(empty.headers().firstValue("Range")).hasValue("0-0");
        assertThat(empty.headers().firstValue("Location")).hasValue(location);
        assertThat(empty.headers().firstValue("Docker-Upload-UUID")).hasValue(uploadId(location));

        patch(location, RegistryClient.randomBytes(777), "0-776");
        HttpResponse<String> afterChunk = status(location);

        assertThat(afterChunk.statusCode()).isEqualTo(204);
        assertThat(afterChunk.headers().firstValue("Range")).hasValue("0-776");
        assertThat(afterChunk.headers().firstValue("Location")).hasValue(location);
        assertThat(afterChunk.body()).isEmpty();
    }

    @Test
    void outOfOrderChunkIs416AndTheUploadCanContinue() {
        String repository = uniqueRepository("upload-ooo");
        byte[] content = RegistryClient.randomBytes(300);
        String digest = RegistryClient.sha256(content);
        String location = registry.startUpload(repository);
        patch(location, Arrays.copyOfRange(content, 0, 100), "0-99");

        HttpResponse<String> skipped = patch(location, Arrays.copyOfRange(content, 200, 300), "200-299");

        assertError(skipped, 416, "BLOB_UPLOAD_INVALID");
        assertThat(skipped.headers().firstValue("Range")).hasValue("0-99");
        assertThat(skipped.headers().firstValue("Location")).hasValue(location);
        HttpResponse<String> status = status(location);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).hasValue("0-99");

        assertThat(patch(location, Arrays.copyOfRange(content, 100, 200), "100-199").statusCode()).isEqualTo(202);
        assertCreated(put(location, digest, Arrays.copyOfRange(content, 200, 300), "200-299"), repository, digest);
        assertBlob(repository, digest, content);
    }

    @Test
    void firstChunkNotStartingAtZeroIs416() {
        String repository = uniqueRepository("upload-ooo");
        String location = registry.startUpload(repository);

        assertError(patch(location, RegistryClient.randomBytes(10), "5-14"), 416, "BLOB_UPLOAD_INVALID");
        assertThat(status(location).headers().firstValue("Range")).hasValue("0-0");
    }

    @Test
    void resentChunkIs416AndDoesNotCorruptTheBlob() {
        String repository = uniqueRepository("upload-resent");
        byte[] content = RegistryClient.randomBytes(200);
        String digest = RegistryClient.sha256(content);
        String location = registry.startUpload(repository);
        byte[] first = Arrays.copyOfRange(content, 0, 100);
        assertThat(patch(location, first, "0-99").statusCode()).isEqualTo(202);

        HttpResponse<String> again = patch(location, first, "0-99");

        assertError(again, 416, "BLOB_UPLOAD_INVALID");
        assertThat(again.headers().firstValue("Range")).hasValue("0-99");
        assertThat(patch(location, Arrays.copyOfRange(content, 100, 200), "100-199").statusCode()).isEqualTo(202);
        assertCreated(put(location, digest, null, null), repository, digest);
        assertBlob(repository, digest, content);
    }

    @Test
    void finalChunkOutOfOrderInThePutIs416() {
        String repository = uniqueRepository("upload-ooo-put");
        byte[] content = RegistryClient.randomBytes(200);
        String location = registry.startUpload(repository);
        patch(location, Arrays.copyOfRange(content, 0, 100), "0-99");

        HttpResponse<String> put = put(location, RegistryClient.sha256(content),
                Arrays.copyOfRange(content, 150, 200), "150-199");

        assertError(put, 416, "BLOB_UPLOAD_INVALID");
        assertThat(status(location).headers().firstValue("Range")).hasValue("0-99");
    }

    @Test
    void contentRangeDisagreeingWithTheBodyIs416() {
        String repository = uniqueRepository("upload-badrange");
        String location = registry.startUpload(repository);

        assertError(patch(location, RegistryClient.randomBytes(10), "0-19"), 416, "BLOB_UPLOAD_INVALID");
        assertThat(status(location).headers().firstValue("Range")).hasValue("0-0");
    }

    @Test
    void malformedContentRangeIs400() {
        String repository = uniqueRepository("upload-badrange");
        String location = registry.startUpload(repository);

        for (String range : List.of("abc", "0-", "-5", "0-99999999999999999999", "bytes 0-9/x")) {
            assertError(patch(location, RegistryClient.randomBytes(10), range), 400, "BLOB_UPLOAD_INVALID");
        }
        assertThat(status(location).headers().firstValue("Range")).hasValue("0-0");
    }

    /** Sends a PATCH whose body stops short of its Content-Length, then closes the connection. */
    private void interruptedPatch(String location, byte[] sent, int declaredLength) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + declaredLength + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(sent);
            out.flush();
            socket.shutdownOutput();
            socket.getInputStream().readAllBytes(); // whatever the server answers, if anything
        }
    }

    @Test
    void interruptedChunkKeepsWhatArrivedAndTheUploadCanResume() throws Exception {
        // The resumable push of the spec's use cases: the client asks where the upload stands and goes on from there.
        String repository = uniqueRepository("upload-resume");
        byte[] content = RegistryClient.randomBytes(3000);
        String digest = RegistryClient.sha256(content);
        String location = registry.startUpload(repository);
        assertThat(patch(location, Arrays.copyOfRange(content, 0, 1000), "0-999").statusCode()).isEqualTo(202);

        interruptedPatch(location, Arrays.copyOfRange(content, 1000, 1500), 2000);

        HttpResponse<String> status = status(location);
        assertThat(status.statusCode()).isEqualTo(204);
        String range = status.headers().firstValue("Range").orElseThrow();
        assertThat(range).isIn("0-999", "0-1499");
        int received = Integer.parseInt(range.substring(2)) + 1;
        HttpResponse<String> rest = patch(location, Arrays.copyOfRange(content, received, 3000),
                received + "-2999");
        assertThat(rest.statusCode()).as(rest.body()).isEqualTo(202);
        assertCreated(put(location, digest, null, null), repository, digest);
        assertBlob(repository, digest, content);
    }

    // ---------------------------------------------------------------- digests

    @Test
    void putWithTheWrongDigestIs400DigestInvalidAndNothingIsStored() {
        String repository = uniqueRepository("upload-wrongdigest");
        byte[] content = RegistryClient.randomBytes(500);
        String wrong = RegistryClient.unknownDigest();
        String location = registry.startUpload(repository);

        assertError(put(location, wrong, content, null), 400, "DIGEST_INVALID");

        assertThat(registry.head(blobPath(repository, wrong)).statusCode()).isEqualTo(404);
        assertThat(registry.head(blobPath(repository, RegistryClient.sha256(content))).statusCode()).isEqualTo(404);
        assertThat(storedObjects().holding(content)).isEmpty();
    }

    @Test
    void singlePostWithTheWrongDigestIs400DigestInvalidAndNothingIsStored() {
        String repository = uniqueRepository("upload-wrongdigest");
        byte[] content = RegistryClient.randomBytes(500);
        String wrong = RegistryClient.unknownDigest();

        HttpResponse<String> response = registry.send(registry.request(uploads(repository) + "?digest=" + wrong)
                .POST(BodyPublishers.ofByteArray(content)).build());

        assertError(response, 400, "DIGEST_INVALID");
        assertThat(registry.head(blobPath(repository, wrong)).statusCode()).isEqualTo(404);
        assertThat(storedObjects().holding(content)).isEmpty();
    }

    @Test
    void singlePostOfKnownContentWithTheWrongDigestIsRefused() {
        // Dedup must not skip verification: the client has to prove it has the bytes of the digest it names.
        String repository = uniqueRepository("upload-wrongdigest");
        Blob existing = registry.pushRandomBlob(uniqueRepository("upload-elsewhere"), 100);

        HttpResponse<String> response = registry.send(registry.request(
                        uploads(repository) + "?digest=" + existing.digest())
                .POST(BodyPublishers.ofByteArray(RegistryClient.randomBytes(100))).build());

        assertError(response, 400, "DIGEST_INVALID");
        assertThat(registry.head(blobPath(repository, existing.digest())).statusCode()).isEqualTo(404);
    }

    @Test
    void closingPutWithoutDigestIs400AndTheSessionSurvives() {
        String repository = uniqueRepository("upload-nodigest");
        String location = registry.startUpload(repository);
        patch(location, RegistryClient.randomBytes(10), "0-9");

        HttpResponse<String> put = registry.send(registry.requestLocation(location)
                .PUT(BodyPublishers.noBody()).build());

        assertError(put, 400, "DIGEST_INVALID");
        assertThat(status(location).statusCode()).isEqualTo(204);
    }

    @Test
    void invalidDigestParametersAre400DigestInvalid() {
        String repository = uniqueRepository("upload-baddigest");
        String location = registry.startUpload(repository);

        assertError(registry.method("POST", uploads(repository) + "?digest=sha256:totallywrong", new byte[] {1}),
                400, "DIGEST_INVALID");
        assertError(put(location, "sha256:totallywrong", new byte[] {1}, null), 400, "DIGEST_INVALID");
        assertError(put(location, "nope", new byte[] {1}, null), 400, "DIGEST_INVALID");
        assertError(registry.method("POST", uploads(repository) + "?mount=sha256:zz&from=" + repository, null),
                400, "DIGEST_INVALID");
    }

    @Test
    void sha512ViaDigestAlgorithm() {
        String repository = uniqueRepository("upload-sha512");
        byte[] content = RegistryClient.randomBytes(2000);
        String digest = RegistryClient.sha512(content);

        HttpResponse<String> post = registry.method("POST", uploads(repository) + "?digest-algorithm=sha512", null);
        assertThat(post.statusCode()).isEqualTo(202);
        String location = post.headers().firstValue("Location").orElseThrow();
        location = patch(location, Arrays.copyOfRange(content, 0, 1200), "0-1199")
                .headers().firstValue("Location").orElseThrow();
        HttpResponse<String> put = put(location, digest, Arrays.copyOfRange(content, 1200, 2000), "1200-1999");

        assertCreated(put, repository, digest);
        assertBlob(repository, digest, content);
        assertThat(registry.head(blobPath(repository, RegistryClient.sha256(content))).statusCode()).isEqualTo(404);
    }

    @Test
    void sha512BySinglePost() {
        String repository = uniqueRepository("upload-sha512");
        byte[] content = RegistryClient.randomBytes(700);
        String digest = RegistryClient.sha512(content);

        HttpResponse<String> response = registry.method("POST", uploads(repository) + "?digest=" + digest, content);

        assertCreated(response, repository, digest);
        assertBlob(repository, digest, content);
    }

    @Test
    void unsupportedDigestAlgorithmIs400() {
        String repository = uniqueRepository("upload-md5");

        assertError(registry.method("POST", uploads(repository) + "?digest-algorithm=md5", null), 400, "DIGEST_INVALID");
    }

    // ---------------------------------------------------------------- cancel and unknown sessions

    @Test
    void cancelIs204ThenTheSessionIsUnknown() {
        String repository = uniqueRepository("upload-cancel");
        String location = registry.startUpload(repository);
        patch(location, RegistryClient.randomBytes(100), "0-99");

        HttpResponse<String> cancel = registry.send(registry.requestLocation(location).DELETE().build());

        assertThat(cancel.statusCode()).isEqualTo(204);
        assertError(status(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(patch(location, RegistryClient.randomBytes(10), "100-109"), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(put(location, RegistryClient.unknownDigest(), null, null), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(registry.send(registry.requestLocation(location).DELETE().build()), 404, "BLOB_UPLOAD_UNKNOWN");
        assertThat(storedObjects().uploads()).doesNotContain(uploadId(location));
    }

    @Test
    void unknownOrMalformedUploadIdsAre404BlobUploadUnknown() {
        String repository = uniqueRepository("upload-badid");
        registry.startUpload(repository);

        for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid", "1-1-1-1-1",
                UUID.randomUUID().toString().toUpperCase())) {
            String location = uploads(repository) + id;
            assertError(status(location), 404, "BLOB_UPLOAD_UNKNOWN");
            assertError(patch(location, new byte[] {1}, null), 404, "BLOB_UPLOAD_UNKNOWN");
            assertError(put(location, RegistryClient.sha256(new byte[] {1}), new byte[] {1}, null),
                    404, "BLOB_UPLOAD_UNKNOWN");
            assertError(registry.delete(location), 404, "BLOB_UPLOAD_UNKNOWN");
        }
        // A dot segment, plain or encoded, is refused before any route is looked for (Spring Security's firewall).
        for (String id : List.of("..", "%2e%2e")) {
            String location = uploads(repository) + id;
            assertError(status(location), 400, "UNSUPPORTED");
            assertError(patch(location, new byte[] {1}, null), 400, "UNSUPPORTED");
            assertError(registry.delete(location), 400, "UNSUPPORTED");
        }
    }

    @Test
    void uploadOfOneRepositoryCannotBeUsedThroughAnother() {
        String owner = uniqueRepository("upload-owner");
        String other = uniqueRepository("upload-other");
        registry.startUpload(other);
        String location = registry.startUpload(owner);
        byte[] content = RegistryClient.randomBytes(10);
        String foreign = uploads(other) + uploadId(location);

        assertError(status(foreign), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(patch(foreign, content, "0-9"), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(put(foreign, RegistryClient.sha256(content), content, null), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(registry.delete(foreign), 404, "BLOB_UPLOAD_UNKNOWN");
        assertThat(status(location).statusCode()).isEqualTo(204);
    }

    // ---------------------------------------------------------------- mounts

    @Test
    void mountFromAnotherRepositoryIs201() {
        String source = uniqueRepository("mount-src");
        String target = uniqueRepository("mount-dst");
        Blob blob = registry.pushRandomBlob(source, 400);

        HttpResponse<String> mount = registry.method("POST",
                uploads(target) + "?mount=" + blob.digest() + "&from=" + source, null);

        assertCreated(mount, target, blob.digest());
        assertBlob(target, blob);
    }

    @Test
    void mountFromARepositoryLackingTheBlobOpensASession() {
        String source = uniqueRepository("mount-src");
        String target = uniqueRepository("mount-dst");
        registry.pushRandomBlob(source, 10);
        Blob elsewhere = registry.pushRandomBlob(uniqueRepository("mount-elsewhere"), 50);

        HttpResponse<String> mount = registry.method("POST",
                uploads(target) + "?mount=" + elsewhere.digest() + "&from=" + source, null);

        assertThat(mount.statusCode()).isEqualTo(202);
        String location = mount.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(uploads(target));
        assertThat(registry.head(blobPath(target, elsewhere.digest())).statusCode()).isEqualTo(404);
        // The session is a real one: the client can upload the blob through it.
        assertCreated(put(location, elsewhere.digest(), elsewhere.content(), null), target, elsewhere.digest());
        assertBlob(target, elsewhere);
    }

    @Test
    void mountFromAnUnknownOrInvalidRepositoryOpensASession() {
        String target = uniqueRepository("mount-dst");
        Blob blob = registry.pushRandomBlob(uniqueRepository("mount-src"), 50);

        for (String from : List.of(uniqueRepository("mount-nothing"), "Invalid_Name", "a//b")) {
            HttpResponse<String> mount = registry.method("POST",
                    uploads(target) + "?mount=" + blob.digest() + "&from=" + from, null);
            assertThat(mount.statusCode()).as(from).isEqualTo(202);
            assertThat(mount.headers().firstValue("Location")).as(from).hasValueSatisfying(
                    location -> assertThat(location).startsWith(uploads(target)));
        }
        assertThat(registry.head(blobPath(target, blob.digest())).statusCode()).isEqualTo(404);
    }

    @Test
    void mountWithoutFromFindsTheBlob() {
        // stowage.uploads.mount-without-from is true by default (spec: the registry MAY treat from as optional).
        String target = uniqueRepository("mount-nofrom");
        Blob blob = registry.pushRandomBlob(uniqueRepository("mount-src"), 60);

        HttpResponse<String> mount = registry.method("POST", uploads(target) + "?mount=" + blob.digest(), null);

        assertCreated(mount, target, blob.digest());
        assertBlob(target, blob);
    }

    @Test
    void mountWithoutFromOfAnUnknownBlobOpensASession() {
        String target = uniqueRepository("mount-nofrom");

        HttpResponse<String> mount = registry.method("POST",
                uploads(target) + "?mount=" + RegistryClient.unknownDigest(), null);

        assertThat(mount.statusCode()).isEqualTo(202);
        assertThat(mount.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).startsWith(uploads(target)));
    }

    // ---------------------------------------------------------------- deduplication and concurrency

    /** The key the registry recorded for the blob. */
    private String storageKey(String digest) {
        return blobRecords.find(digest).orElseThrow().storageKey();
    }

    private Set<String> uploadFiles() {
        return storedObjects().uploads();
    }

    @Test
    void sameBlobPushedToSeveralRepositoriesIsStoredOnce() {
        byte[] content = RegistryClient.randomBytes(10_000);
        String digest = RegistryClient.sha256(content);
        Set<String> uploadsBefore = uploadFiles();
        List<String> repositories = List.of(uniqueRepository("dedup-a"), uniqueRepository("dedup-b"),
                uniqueRepository("dedup-c"));

        registry.pushBlob(repositories.get(0), content);
        String location = registry.startUpload(repositories.get(1));
        assertCreated(put(location, digest, content, null), repositories.get(1), digest);
        location = registry.startUpload(repositories.get(2));
        patch(location, Arrays.copyOfRange(content, 0, 4000), "0-3999");
        assertCreated(put(location, digest, Arrays.copyOfRange(content, 4000, 10_000), "4000-9999"),
                repositories.get(2), digest);

        for (String repository : repositories) {
            assertBlob(repository, digest, content);
        }
        assertThat(storedObjects().holding(content)).containsExactly(storageKey(digest));
        assertThat(uploadFiles()).as("upload files left behind").isSubsetOf(uploadsBefore);
    }

    @Test
    void twentyConcurrentClientsPushingTheSameBlobAllSucceedIntoOneFile() throws Exception {
        byte[] content = RegistryClient.randomBytes(200_000);
        String digest = RegistryClient.sha256(content);
        String shared = uniqueRepository("concurrent-shared");
        Set<String> uploadsBefore = uploadFiles();
        int clients = 20;
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<String>> pushes = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            // Half into one repository, half into repositories of their own; half monolithic, half chunked.
            String repository = i % 2 == 0 ? shared : uniqueRepository("concurrent-own");
            boolean chunked = i % 4 < 2;
            pushes.add(() -> {
                start.await();
                HttpResponse<String> response;
                if (chunked) {
                    String location = registry.startUpload(repository);
                    HttpResponse<String> chunk = patch(location, Arrays.copyOfRange(content, 0, 100_000), "0-99999");
                    assertThat(chunk.statusCode()).isEqualTo(202);
                    response = put(location, digest, Arrays.copyOfRange(content, 100_000, 200_000),
                            "100000-199999");
                } else {
                    response = registry.method("POST", uploads(repository) + "?digest=" + digest, content);
                }
                assertCreated(response, repository, digest);
                return repository;
            });
        }

        List<String> repositories = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(clients)) {
            List<Future<String>> futures = pushes.stream().map(executor::submit).toList();
            start.countDown();
            for (Future<String> future : futures) {
                repositories.add(future.get());
            }
        }

        for (String repository : Set.copyOf(repositories)) {
            assertBlob(repository, digest, content);
        }
        assertThat(storedObjects().holding(content)).containsExactly(storageKey(digest));
        assertThat(uploadFiles()).as("upload files left behind").isSubsetOf(uploadsBefore);
    }
}
