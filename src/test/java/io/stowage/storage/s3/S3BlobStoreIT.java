package io.stowage.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import io.stowage.storage.BlobStore.UploadWrite;
import io.stowage.storage.PartialWriteException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What only {@link S3BlobStore} does, against a real S3 API (S3Proxy): parts and carried tails for each chunk
 * pattern, multipart uploads aborted and tails deleted, the state's encoding. The rules every backend keeps are in
 * {@link S3BlobStoreContractIT}.
 */
class S3BlobStoreIT {

    private static final int MIB = 1 << 20;
    private static final int PART_SIZE = 5 * MIB;

    private static S3Client s3;
    private static String bucket;
    private static S3BlobStore store;

    private final Random random = new Random();
    private long copiesBefore;
    private long partsBefore;

    @BeforeAll
    static void startStore() throws IOException {
        bucket = S3TestServer.bucket("store-it");
        s3 = S3TestServer.client();
        store = new S3BlobStore(S3TestServer.client(), bucket, PART_SIZE);
        store.checkBucket();
    }

    @AfterAll
    static void closeStore() {
        store.close();
        s3.close();
    }

    @BeforeEach
    void countCopies() {
        copiesBefore = copies();
        partsBefore = S3RequestLog.count("UploadPart");
    }

    @AfterEach
    void neverCopies() {
        assertThat(copies()).as("CopyObject/UploadPartCopy requests").isEqualTo(copiesBefore);
    }

    private static long copies() {
        return S3RequestLog.count("CopyObject") + S3RequestLog.count("UploadPartCopy");
    }

    private byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code content} in chunks of the given sizes, as successive PATCH requests would. */
    private String writeInChunks(String uploadId, byte[] content, int... chunks) throws IOException {
        String state = null;
        int offset = 0;
        for (int chunk : chunks) {
            UploadWrite write = store.writeUpload(uploadId, state, offset,
                    new ByteArrayInputStream(content, offset, chunk));
            assertThat(write.written()).isEqualTo(chunk);
            state = write.state();
            offset += chunk;
        }
        assertThat(offset).isEqualTo(content.length);
        return state;
    }

    private byte[] readAll(String key, long offset, long length) throws IOException {
        try (InputStream in = store.read(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    private void assertCommitted(String uploadId, String state, byte[] content) throws IOException {
        String key = store.commitUpload(uploadId, state, "sha256:unused", content.length);
        assertThat(key).isEqualTo("objects/" + uploadId);
        assertThat(readAll(key, 0, content.length)).isEqualTo(content);
        assertThat(store.exists(key)).isTrue();
        assertThat(tailObjects(uploadId)).as("carried tails left after commit").isEmpty();
        assertThat(multipartUploads(uploadId)).as("multipart uploads left open").isEmpty();
    }

    private List<String> tailObjects(String uploadId) {
        return s3.listObjectsV2(b -> b.bucket(bucket).prefix("uploads/" + uploadId + "/")).contents().stream()
                .map(o -> o.key()).toList();
    }

    private List<String> multipartUploads(String uploadId) {
        return s3.listMultipartUploads(b -> b.bucket(bucket).prefix("objects/" + uploadId)).uploads().stream()
                .map(u -> u.uploadId()).toList();
    }

    @Test
    void oneByteChunksAreCarriedUntilCommit() throws IOException {
        String id = UUID.randomUUID().toString();
        byte[] content = randomBytes(300);
        int[] chunks = new int[content.length];
        Arrays.fill(chunks, 1);

        String state = writeInChunks(id, content, chunks);

        try (InputStream in = store.readUpload(id, state, content.length)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertCommitted(id, state, content);
        assertThat(S3RequestLog.count("UploadPart")).isEqualTo(partsBefore);
    }

    @Test
    void chunksOfUnevenSizesBecomePartsAndACarriedTail() throws IOException {
        String id = UUID.randomUUID().toString();
        byte[] content = randomBytes(6 * MIB + 3 * MIB + 1024 + 7 * MIB);

        String state = writeInChunks(id, content, 6 * MIB, 3 * MIB, 1024, 7 * MIB);

        // 16 MiB + 1 KiB: three full parts sent while writing, the rest carried (in an object of its own).
        assertThat(S3RequestLog.count("UploadPart") - partsBefore).isEqualTo(3);
        assertThat(tailObjects(id)).isNotEmpty();
        assertCommitted(id, state, content);
    }

    @Test
    void aResentChunkReplacesWhatAFailedAttemptWrote() throws IOException {
        String id = UUID.randomUUID().toString();
        byte[] first = randomBytes(6 * MIB);        // one part and a 1 MiB carried tail
        byte[] failed = randomBytes(6 * MIB);
        byte[] resent = randomBytes(4 * MIB + 17);

        String state = store.writeUpload(id, null, 0, new ByteArrayInputStream(first)).state();
        // A write whose state the registry never stored (the request failed after it, or the node died).
        store.writeUpload(id, state, first.length, new ByteArrayInputStream(failed));
        String resumed = store.writeUpload(id, state, first.length, new ByteArrayInputStream(resent)).state();

        byte[] expected = concat(first, resent);
        assertCommitted(id, resumed, expected);
    }

    @Test
    void rewritingInsideTheCarriedTailKeepsWhatCameBefore() throws IOException {
        String id = UUID.randomUUID().toString();
        byte[] first = randomBytes(200_000);         // carried in an object
        byte[] replacement = randomBytes(1000);

        String state = store.writeUpload(id, null, 0, new ByteArrayInputStream(first)).state();
        String rewritten = store.writeUpload(id, state, 150_000, new ByteArrayInputStream(replacement)).state();

        assertCommitted(id, rewritten, concat(Arrays.copyOf(first, 150_000), replacement));
    }

    @Test
    void rewritingAtAPartBoundaryDropsTheLaterParts() throws IOException {
        String id = UUID.randomUUID().toString();
        byte[] content = randomBytes(11 * MIB);
        byte[] replacement = randomBytes(MIB);

        String state = store.writeUpload(id, null, 0, new ByteArrayInputStream(content)).state();
        String rewritten = store.writeUpload(id, state, PART_SIZE, new ByteArrayInputStream(replacement)).state();

        assertCommitted(id, rewritten, concat(Arrays.copyOf(content, PART_SIZE), replacement));
    }

    @Test
    void rewritingInsideASentPartIsRefused() throws IOException {
        String id = UUID.randomUUID().toString();
        String state = store.writeUpload(id, null, 0, new ByteArrayInputStream(randomBytes(6 * MIB))).state();

        assertThatThrownBy(() -> store.writeUpload(id, state, MIB, new ByteArrayInputStream(new byte[10])))
                .isInstanceOf(IOException.class).hasMessageContaining("inside a part");
        store.deleteUpload(id, state);
    }

    @Test
    void whatArrivedBeforeTheClientBrokeOffIsKept() throws IOException {
        String id = UUID.randomUUID().toString();
        byte[] content = randomBytes(7 * MIB);
        int breaksAt = 6 * MIB + 5;

        PartialWriteException broken = null;
        try {
            store.writeUpload(id, null, 0, brokenAfter(content, breaksAt));
        } catch (PartialWriteException e) {
            broken = e;
        }

        assertThat(broken).isNotNull();
        assertThat(broken.written()).isEqualTo(breaksAt);
        String state = store.writeUpload(id, broken.state(), breaksAt,
                new ByteArrayInputStream(content, breaksAt, content.length - breaksAt)).state();
        assertCommitted(id, state, content);
    }

    @Test
    void deletingAnUploadAbortsItsMultipartUploadAndDeletesItsTails() throws IOException {
        String id = UUID.randomUUID().toString();
        String state = writeInChunks(id, randomBytes(7 * MIB), 7 * MIB);
        assertThat(multipartUploads(id)).hasSize(1);
        assertThat(tailObjects(id)).hasSize(1);

        store.deleteUpload(id, state);

        assertThat(multipartUploads(id)).isEmpty();
        assertThat(tailObjects(id)).isEmpty();
        assertThat(store.exists("objects/" + id)).isFalse();
        store.deleteUpload(id, state);
    }

    @Test
    void theSweepFindsUploadsNoStateNamesAndDeletesThemWithoutState() throws IOException {
        String id = UUID.randomUUID().toString();
        writeInChunks(id, randomBytes(6 * MIB), 6 * MIB);

        assertThat(store.uploadsWrittenBefore(Instant.now().plus(1, ChronoUnit.MINUTES))).contains(id);
        assertThat(store.uploadsWrittenBefore(Instant.now().minus(1, ChronoUnit.HOURS))).doesNotContain(id);

        store.deleteUpload(id, null);

        assertThat(multipartUploads(id)).isEmpty();
        assertThat(tailObjects(id)).isEmpty();
        assertThat(store.uploadsWrittenBefore(Instant.now().plus(1, ChronoUnit.MINUTES))).doesNotContain(id);
    }

    @Test
    void s3FailuresAreIoExceptions() {
        try (S3BlobStore missing = new S3BlobStore(S3TestServer.client(), "no-such-bucket-" + UUID.randomUUID(),
                PART_SIZE)) {
            assertThatThrownBy(missing::checkBucket).isInstanceOf(S3StorageException.class);
            assertThatThrownBy(() -> missing.writeUpload(UUID.randomUUID().toString(), null, 0,
                    new ByteArrayInputStream(randomBytes(100_000)))).isInstanceOf(S3StorageException.class);
            assertThatThrownBy(() -> missing.read("objects/x", 0, 10)).isInstanceOf(S3StorageException.class);
        }
    }

    @Test
    void theStateSurvivesEncoding() throws IOException {
        S3UploadState state = new S3UploadState("mp/id+with=odd chars", List.of(new S3UploadState.Part(5, "\"etag 1\"")),
                3, null, "uploads/x/tail-1", "uploads/x/tail-0");

        S3UploadState decoded = S3UploadState.decode(state.encode());

        assertThat(decoded.multipartId()).isEqualTo(state.multipartId());
        assertThat(decoded.parts()).isEqualTo(state.parts());
        assertThat(decoded.tailKey()).isEqualTo(state.tailKey());
        assertThat(decoded.supersededTailKey()).isEqualTo(state.supersededTailKey());
        assertThat(decoded.size()).isEqualTo(8);
        assertThatThrownBy(() -> S3UploadState.decode("file")).isInstanceOf(IOException.class);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    /** The content's first {@code length} bytes, then a failure, as when a client's connection drops. */
    private static InputStream brokenAfter(byte[] content, int length) {
        return new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= length) {
                    throw new IOException("connection reset by peer");
                }
                int n = Math.min(len, length - position);
                System.arraycopy(content, position, b, off, n);
                position += n;
                return n;
            }
        };
    }
}
