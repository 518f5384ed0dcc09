package io.stowage.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import io.stowage.storage.BlobStore.UploadWrite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules of {@link BlobStore} that every backend keeps, each test one rule of its Javadoc, after CNCF
 * distribution's storage driver suites: one subclass per backend runs them all. The registry relies on nothing
 * else; what only one backend promises (content-addressed keys, parts, carried tails) is tested in that backend's
 * own classes. Tests share the subclass's store and use upload ids of their own, so they may run in any order.
 */
public abstract class BlobStoreContract {

    protected static final int MIB = 1 << 20;
    /** More than an S3 upload carries in its state (64 KiB): bytes of this size are in storage on every backend. */
    protected static final int STORED = 200_000;
    /** S3's smallest part size, which the S3 subclass sends parts of: the large tests cross several. */
    protected static final int PART = 5 * MIB;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final Random random = new Random();

    /** The store under test, shared by the class's tests. */
    protected abstract BlobStore store();

    /** A store of its own that works now, and what breaks it (its directory removed, its bucket deleted). */
    protected abstract BreakableStore breakableStore() throws Exception;

    /** Whether the backend gives URLs to download objects from ({@link BlobStore#downloadUrl}). */
    protected abstract boolean givesDownloadUrls();

    /** Whether objects are local files ({@link BlobStore#localFile}). */
    protected abstract boolean hasLocalFiles();

    /**
     * How many bytes the object holds, asked of the backend itself (the SPI has no such call): reading a key's
     * first bytes cannot tell whether more follow.
     */
    protected abstract long storedSize(String key) throws IOException;

    /** A store that a test breaks, and how; closed after the test if it holds resources. */
    public record BreakableStore(BlobStore store, Executable breakIt) {
    }

    // --- writes -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 2, 32, 4096, 65_535, 65_536, 65_537, STORED, MIB + 3})
    void whatIsWrittenIsWhatTheCommittedObjectHolds(int size) throws IOException {
        String id = uploadId();
        byte[] content = bytes(size);

        UploadWrite write = store().writeUpload(id, null, 0, new ByteArrayInputStream(content));

        assertThat(write.written()).isEqualTo(size);
        assertStored(commit(id, write.state(), content), content);
    }

    @Test
    void writesAtTheEndAppend() throws IOException {
        String id = uploadId();
        byte[] content = bytes(1000 + 1 + 30_000 + 70_000);

        String state = writeInChunks(id, null, content, 1000, 1, 30_000, 70_000);

        assertThat(readUpload(id, state, content.length)).isEqualTo(content);
        assertStored(commit(id, state, content), content);
    }

    @Test
    void aWriteFromAnEarlierOffsetDiscardsWhatFollowed() throws IOException {
        String id = uploadId();
        byte[] first = bytes(STORED);
        byte[] replacement = bytes(10);
        String state = write(id, null, 0, first);

        String rewritten = write(id, state, 40_000, replacement);

        byte[] expected = concat(Arrays.copyOf(first, 40_000), replacement);
        assertThat(readUpload(id, rewritten, expected.length)).isEqualTo(expected);
        assertStored(commit(id, rewritten, expected), expected);
    }

    @Test
    void aChunkSentAgainReplacesWhatTheFailedAttemptWrote() throws IOException {
        String id = uploadId();
        byte[] first = bytes(STORED);
        byte[] resent = bytes(STORED + 17);
        String state = write(id, null, 0, first);
        // Written, but the registry never stored the state it returned (the request failed after it, or the node died).
        write(id, state, first.length, bytes(STORED));

        String resumed = write(id, state, first.length, resent);

        byte[] expected = concat(first, resent);
        assertStored(commit(id, resumed, expected), expected);
    }

    @Test
    void aWriteThatWouldLeaveAGapIsRefused() throws IOException {
        String id = uploadId();
        byte[] content = bytes(2000);
        String state = write(id, null, 0, Arrays.copyOf(content, 1000));

        assertThatThrownBy(() -> store().writeUpload(id, state, 1001, new ByteArrayInputStream(new byte[10])))
                .isInstanceOf(IOException.class);

        String resumed = write(id, state, 1000, Arrays.copyOfRange(content, 1000, 2000));
        assertStored(commit(id, resumed, content), content);
    }

    @Test
    void aStreamThatFailsMidWayKeepsWhatArrivedAndTheUploadResumesAfterIt() throws IOException {
        String id = uploadId();
        byte[] content = bytes(1000 + STORED);
        String state = write(id, null, 0, Arrays.copyOf(content, 1000));
        int arrives = 100_003;

        PartialWriteException broken = catchThrowableOfType(PartialWriteException.class,
                () -> store().writeUpload(id, state, 1000, failingAfter(content, 1000, arrives)));

        assertThat(broken).as("PartialWriteException").isNotNull();
        assertThat(broken.written()).isEqualTo(arrives);
        long offset = 1000 + arrives;
        assertThat(readUpload(id, broken.state(), offset)).isEqualTo(Arrays.copyOf(content, (int) offset));
        String resumed = write(id, broken.state(), offset, Arrays.copyOfRange(content, (int) offset, content.length));
        assertStored(commit(id, resumed, content), content);
    }

    @Test
    void aStreamThatFailsAtOnceWritesNothing() throws IOException {
        String id = uploadId();
        byte[] content = bytes(5000);
        String state = write(id, null, 0, Arrays.copyOf(content, 3000));

        PartialWriteException broken = catchThrowableOfType(PartialWriteException.class,
                () -> store().writeUpload(id, state, 3000, failingAfter(content, 3000, 0)));

        assertThat(broken).as("PartialWriteException").isNotNull();
        assertThat(broken.written()).isZero();
        String resumed = write(id, broken.state(), 3000, Arrays.copyOfRange(content, 3000, 5000));
        assertStored(commit(id, resumed, content), content);
    }

    @Test
    @Timeout(120)
    void largeUploadsAcrossSeveralPartsRoundTrip() throws Exception {
        String id = uploadId();
        byte[] content = bytes(3 * PART + 7);
        // Chunks ending just before, on and just after part boundaries; one arrives in socket-sized reads.
        int[] chunks = {PART - 1, 1, 1, PART, content.length - (2 * PART + 1)};
        String state = null;
        int offset = 0;
        for (int i = 0; i < chunks.length; i++) {
            InputStream data = i == 3 ? trickling(content, offset, chunks[i], 8192)
                    : new ByteArrayInputStream(content, offset, chunks[i]);
            UploadWrite write = store().writeUpload(id, state, offset, data);
            assertThat(write.written()).isEqualTo(chunks[i]);
            state = write.state();
            offset += chunks[i];
        }

        String key = commit(id, state, content);

        try (InputStream in = store().read(key, 0, content.length)) {
            assertThat(digestOf(in)).isEqualTo(digestOf(content));
        }
        assertThat(storedSize(key)).isEqualTo(content.length);
        for (long start : new long[] {PART - 3, 2L * PART - 1, 3L * PART - 2}) {
            assertThat(read(key, start, 9)).isEqualTo(Arrays.copyOfRange(content, (int) start, (int) start + 9));
        }
    }

    @Test
    @Timeout(60)
    void uploadsWrittenAtTheSameTimeDoNotMix() throws Exception {
        int writers = 4;
        int[] chunks = {70_000, 1, 70_000, 65_536, 100};
        CyclicBarrier eachChunk = new CyclicBarrier(writers);
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            contents.add(bytes(Arrays.stream(chunks).sum()));
        }

        List<String> keys = inParallel(writers, i -> {
            String id = uploadId();
            byte[] content = contents.get(i);
            String state = null;
            int offset = 0;
            for (int chunk : chunks) {
                eachChunk.await();
                state = write(id, state, offset, Arrays.copyOfRange(content, offset, offset + chunk));
                offset += chunk;
            }
            return commit(id, state, content);
        });

        for (int i = 0; i < writers; i++) {
            assertThat(read(keys.get(i), 0, contents.get(i).length)).isEqualTo(contents.get(i));
        }
    }

    // --- reading uploads ------------------------------------------------------------------------------------------

    @Test
    void readUploadGivesTheFirstBytesTheUploadHolds() throws IOException {
        String id = uploadId();
        byte[] content = bytes(STORED);
        String state = writeInChunks(id, null, content, 60_000, STORED - 60_000);

        for (int length : new int[] {0, 1, 59_999, 60_000, 60_001, STORED}) {
            assertThat(readUpload(id, state, length)).as("first %d bytes", length)
                    .isEqualTo(Arrays.copyOf(content, length));
        }
        // What a node recomputes a new session's digest from before its first chunk arrives.
        assertThat(readUpload(uploadId(), null, 0)).isEmpty();
    }

    @Test
    void readUploadOfMoreBytesThanTheUploadHoldsFails() throws IOException {
        String id = uploadId();
        String state = write(id, null, 0, bytes(1000));

        // A short stream would give a wrong digest without a word: the registry hashes what it reads.
        assertThatThrownBy(() -> readUpload(id, state, 1001)).isInstanceOf(IOException.class);
        store().deleteUpload(id, state);
    }

    // --- commits ------------------------------------------------------------------------------------------------

    @Test
    void aCommitMakesTheUploadTheObjectAtTheKeyItReturnsAndEndsTheUpload() throws IOException {
        String id = uploadId();
        byte[] content = bytes(STORED);
        String state = write(id, null, 0, content);
        assertThat(uploadsListed()).contains(id);

        String key = commit(id, state, content);

        assertThat(store().exists(key)).isTrue();
        assertStored(key, content);
        assertThat(uploadsListed()).doesNotContain(id);
    }

    @Test
    void aCommitOfAnUploadHoldingFewerBytesThanItsSizeFails() throws IOException {
        String id = uploadId();
        byte[] content = bytes(STORED);
        String state = write(id, null, 0, content);

        // The registry verified the bytes as they arrived; if storage lost some (a crash before they were flushed),
        // the object would not be the blob its digest names.
        assertThatThrownBy(() -> store().commitUpload(id, state, digestOf(content), STORED + 1))
                .isInstanceOf(IOException.class);

        assertStored(commit(id, state, content), content);
    }

    @Test
    void aCommitAfterAWriteTheRegistryNeverRecordedHoldsOnlyTheRecordedBytes() throws IOException {
        String id = uploadId();
        byte[] content = bytes(STORED);
        String state = write(id, null, 0, content);
        // Written, but the request failed before the registry stored the state; the client then completes the
        // upload with what the registry recorded, as the upload's status told it.
        write(id, state, content.length, bytes(1000));

        assertStored(commit(id, state, content), content);
    }

    @Test
    void aCommitOfADigestStoredAlreadyKeepsTheStoredObjectAndEndsTheUpload() throws IOException {
        byte[] content = bytes(STORED);
        String first = uploadId();
        String firstKey = commit(first, write(first, null, 0, content), content);
        String second = uploadId();
        String state = write(second, null, 0, content);

        String secondKey = commit(second, state, content);

        assertStored(firstKey, content);
        assertStored(secondKey, content);
        assertThat(uploadsListed()).doesNotContain(second);
    }

    @Test
    @Timeout(60)
    void concurrentCommitsOfOneDigestEachLeaveTheIntactObjectAndNoUpload() throws Exception {
        int committers = 6;
        byte[] content = bytes(STORED);
        List<String> ids = new ArrayList<>();
        List<String> states = new ArrayList<>();
        for (int i = 0; i < committers; i++) {
            ids.add(uploadId());
            states.add(write(ids.get(i), null, 0, content));
        }
        CyclicBarrier together = new CyclicBarrier(committers);

        List<String> keys = inParallel(committers, i -> {
            together.await();
            return commit(ids.get(i), states.get(i), content);
        });

        for (String key : keys) {
            assertStored(key, content);
        }
        assertThat(uploadsListed()).doesNotContainAnyElementsOf(ids);
    }

    @Test
    void zeroLengthUploadsCommitWithOrWithoutAWrite() throws IOException {
        String neverWritten = uploadId();
        String written = uploadId();
        UploadWrite empty = store().writeUpload(written, null, 0, InputStream.nullInputStream());

        for (String key : List.of(commit(neverWritten, null, new byte[0]), commit(written, empty.state(), new byte[0]))) {
            assertThat(store().exists(key)).isTrue();
            assertThat(read(key, 0, 0)).isEmpty();
            assertThat(storedSize(key)).isZero();
        }
        assertThat(empty.written()).isZero();
    }

    // --- reading objects ------------------------------------------------------------------------------------------

    @Test
    void readsGiveTheRangeAskedFor() throws IOException {
        byte[] content = bytes(STORED);
        String key = stored(content);

        long[][] ranges = {{0, 1}, {0, 100}, {1000, 5000}, {STORED - 7, 7}, {STORED - 1, 1}, {0, STORED},
                {0, 0}, {123, 0}, {STORED, 0}};
        for (long[] range : ranges) {
            int start = (int) range[0];
            int length = (int) range[1];
            assertThat(read(key, start, length)).as("%d bytes from %d", length, start)
                    .isEqualTo(Arrays.copyOfRange(content, start, start + length));
        }
    }

    @Test
    void aRangesStreamEndsAtTheRangesEndHoweverItIsRead() throws IOException {
        byte[] content = bytes(STORED);
        String key = stored(content);

        try (InputStream in = store().read(key, 1000, 100)) {
            assertThat(in.read()).isEqualTo(content[1000] & 0xff);
            assertThat(in.skip(10)).isEqualTo(10);
            assertThat(in.readNBytes(200)).isEqualTo(Arrays.copyOfRange(content, 1011, 1100));
            assertThat(in.read()).isEqualTo(-1);
        }
        try (InputStream in = store().read(key, 1000, 100)) {
            in.skip(1000);
            assertThat(in.read()).as("after skipping past the range's end").isEqualTo(-1);
        }
        // Closing a stream that was not read to its end must neither hang nor fail.
        try (InputStream in = store().read(key, 0, STORED)) {
            assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOf(content, 10));
        }
    }

    @Test
    @Timeout(60)
    void concurrentReadsOfOneObjectEachGetTheirRange() throws Exception {
        byte[] content = bytes(2 * MIB);
        String key = stored(content);

        List<Boolean> results = inParallel(8, i -> {
            for (int n = 0; n < 10; n++) {
                int start = ThreadLocalRandom.current().nextInt(content.length);
                int length = ThreadLocalRandom.current().nextInt(content.length - start + 1);
                if (!Arrays.equals(read(key, start, length), Arrays.copyOfRange(content, start, start + length))) {
                    return false;
                }
            }
            return true;
        });

        assertThat(results).containsOnly(true);
    }

    @Test
    void readingAnObjectThatIsNotStoredFails() throws IOException {
        String key = stored(bytes(100));
        store().delete(key);

        assertThatThrownBy(() -> read(key, 0, 10)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read(key, 50, 50)).isInstanceOf(IOException.class);
    }

    @Test
    void downloadUrlsWhereTheBackendGivesThemServeTheObjectAndHonourRange() throws Exception {
        byte[] content = bytes(STORED);
        String key = stored(content);

        Optional<URI> url = store().downloadUrl(key, Duration.ofMinutes(5));

        assertThat(url.isPresent()).as("download URL given").isEqualTo(givesDownloadUrls());
        if (url.isPresent()) {
            HttpResponse<byte[]> whole = get(url.get());
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).isEqualTo(content);
            HttpResponse<byte[]> slice = get(url.get(), "Range", "bytes=100-199");
            assertThat(slice.statusCode()).isEqualTo(206);
            assertThat(slice.body()).isEqualTo(Arrays.copyOfRange(content, 100, 200));
        }
    }

    @Test
    void localFilesWhereTheBackendHasThemHoldTheObject() throws IOException {
        byte[] content = bytes(STORED);
        String key = stored(content);

        Optional<Path> file = store().localFile(key);

        assertThat(file.isPresent()).as("local file given").isEqualTo(hasLocalFiles());
        if (file.isPresent()) {
            assertThat(Files.readAllBytes(file.get())).isEqualTo(content);
        }
    }

    // --- deletes ------------------------------------------------------------------------------------------------

    @Test
    void anObjectExistsUntilItIsDeletedAndDeletingItAgainIsFine() throws IOException {
        byte[] content = bytes(1000);
        String key = stored(content);
        String other = stored(bytes(1000));
        assertThat(store().exists(key)).isTrue();

        store().delete(key);

        assertThat(store().exists(key)).isFalse();
        store().delete(key);
        assertThat(store().exists(other)).as("another object").isTrue();
        assertThat(read(other, 0, 1000)).hasSize(1000);
    }

    @Test
    void deletingAnUploadDiscardsItsBytesAndMayBeRepeated() throws IOException {
        String id = uploadId();
        String state = write(id, null, 0, bytes(STORED));
        assertThat(uploadsListed()).contains(id);

        store().deleteUpload(id, state);
        store().deleteUpload(id, state);
        store().deleteUpload(id, null);
        store().deleteUpload(uploadId(), null);

        assertThat(uploadsListed()).doesNotContain(id);
        byte[] fresh = bytes(1000);
        String restarted = write(id, null, 0, fresh);
        assertStored(commit(id, restarted, fresh), fresh);
    }

    // --- listing ------------------------------------------------------------------------------------------------

    @Test
    void uploadsWrittenBeforeAnInstantAreListedButNotNewerOrCommittedOnes() throws IOException {
        Instant started = Instant.now();
        String small = uploadId();
        String smallState = write(small, null, 0, bytes(STORED));
        // A part sent and too little after it for a carried tail of its own (on S3: a multipart upload alone).
        String large = uploadId();
        String largeState = write(large, null, 0, bytes(PART + 1));
        String committed = uploadId();
        byte[] content = bytes(STORED);
        commit(committed, write(committed, null, 0, content), content);

        try {
            assertThat(store().uploadsWrittenBefore(Instant.now().plus(1, ChronoUnit.MINUTES)))
                    .contains(small, large).doesNotContain(committed);
            assertThat(store().uploadsWrittenBefore(started.minus(1, ChronoUnit.MINUTES)))
                    .doesNotContain(small, large, committed);
        } finally {
            store().deleteUpload(small, smallState);
            store().deleteUpload(large, largeState);
        }
    }

    // --- health and failures --------------------------------------------------------------------------------------

    @Test
    void checkPassesOnAHealthyStoreAndFailsOnABrokenOne() throws Throwable {
        BreakableStore breakable = breakableStore();
        try {
            breakable.store().check();
            store().check();

            breakable.breakIt().execute();

            assertThatThrownBy(breakable.store()::check).isInstanceOf(IOException.class);
        } finally {
            close(breakable.store());
        }
    }

    @Test
    void aBrokenStoreFailsWithIoExceptions() throws Throwable {
        BreakableStore breakable = breakableStore();
        BlobStore broken = breakable.store();
        String id = uploadId();
        byte[] content = bytes(STORED);
        String state = broken.writeUpload(id, null, 0, new ByteArrayInputStream(content)).state();
        String key = broken.commitUpload(id, state, digestOf(content), content.length);
        try {
            breakable.breakIt().execute();

            // The registry answers IOExceptions with 503 (retry later); anything else would be a 500.
            assertThatThrownBy(() -> broken.writeUpload(uploadId(), null, 0, new ByteArrayInputStream(bytes(STORED))))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> broken.read(key, 0, 10).readAllBytes()).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> broken.uploadsWrittenBefore(Instant.now())).isInstanceOf(IOException.class);
        } finally {
            close(broken);
        }
    }

    @Test
    void whatIsNotAnUploadIdIsRefused() {
        // Upload ids become file names and object keys: one with a path in it could write anywhere.
        for (String id : List.of("../../etc/passwd", "", "0a1b2c3d")) {
            assertThatThrownBy(() -> store().writeUpload(id, null, 0, new ByteArrayInputStream(new byte[1])))
                    .as(id).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store().readUpload(id, null, 0)).as(id).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store().deleteUpload(id, null)).as(id).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store().commitUpload(id, null, digestOf(new byte[0]), 0)).as(id)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    protected static String uploadId() {
        return UUID.randomUUID().toString();
    }

    protected byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code content} at {@code offset}, checks that all of it was written, returns the new state. */
    protected String write(String id, String state, long offset, byte[] content) throws IOException {
        UploadWrite write = store().writeUpload(id, state, offset, new ByteArrayInputStream(content));
        assertThat(write.written()).isEqualTo(content.length);
        return write.state();
    }

    /** Writes {@code content} from the start in chunks of the given sizes, as successive PATCH requests would. */
    protected String writeInChunks(String id, String state, byte[] content, int... chunks) throws IOException {
        int offset = 0;
        for (int chunk : chunks) {
            state = write(id, state, offset, Arrays.copyOfRange(content, offset, offset + chunk));
            offset += chunk;
        }
        assertThat(offset).isEqualTo(content.length);
        return state;
    }

    /** Commits an upload of {@code content} under its digest, returning the object's key. */
    protected String commit(String id, String state, byte[] content) throws IOException {
        return store().commitUpload(id, state, digestOf(content), content.length);
    }

    /** Stores {@code content} as an object the way the registry does, returning its key. */
    protected String stored(byte[] content) throws IOException {
        String id = uploadId();
        return commit(id, write(id, null, 0, content), content);
    }

    /** The object holds {@code content}, and nothing more. */
    protected void assertStored(String key, byte[] content) throws IOException {
        assertThat(read(key, 0, content.length)).isEqualTo(content);
        assertThat(storedSize(key)).as("bytes stored at %s", key).isEqualTo(content.length);
    }

    protected byte[] read(String key, long offset, long length) throws IOException {
        try (InputStream in = store().read(key, offset, length)) {
            return in.readAllBytes();
        }
    }

    protected byte[] readUpload(String id, String state, long length) throws IOException {
        try (InputStream in = store().readUpload(id, state, length)) {
            return in.readAllBytes();
        }
    }

    /** Ids of the uploads in storage now. */
    protected List<String> uploadsListed() throws IOException {
        return store().uploadsWrittenBefore(Instant.now().plus(1, ChronoUnit.MINUTES));
    }

    protected static String digestOf(byte[] content) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(content));
    }

    private static String digestOf(InputStream in) throws IOException {
        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[64 << 10];
        int n;
        while ((n = in.read(buffer)) > 0) {
            sha256.update(buffer, 0, n);
        }
        return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    /** {@code length} bytes of {@code content} from {@code offset}, then a failure, as when a client's connection drops. */
    protected static InputStream failingAfter(byte[] content, int offset, int length) {
        return new InputStream() {
            private int position = offset;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= offset + length) {
                    throw new IOException("connection reset by peer");
                }
                int n = Math.min(len, offset + length - position);
                System.arraycopy(content, position, b, off, n);
                position += n;
                return n;
            }
        };
    }

    /** The bytes in reads of at most {@code maxRead}, as a socket gives them. */
    private static InputStream trickling(byte[] content, int offset, int length, int maxRead) {
        return new ByteArrayInputStream(content, offset, length) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, maxRead));
            }
        };
    }

    @FunctionalInterface
    private interface Task<T> {
        T run(int index) throws Exception;
    }

    /** Runs {@code task} on {@code threads} threads at once; their results in order, or the first failure. */
    private static <T> List<T> inParallel(int threads, Task<T> task) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(executor.submit(() -> task.run(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }

    private static HttpResponse<byte[]> get(URI uri, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void close(BlobStore store) throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
