package io.stowage.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import io.stowage.storage.BlobKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the filesystem backend promises beyond the {@code BlobStore} contract: objects are content-addressed
 * ({@link BlobKeys}), so a digest is stored once however many uploads of it are committed, and keys stay under
 * the root.
 */
class FilesystemContentAddressingTest {

    @TempDir
    Path root;

    private FilesystemBlobStore store;
    private final Random random = new Random();

    @BeforeEach
    void openStore() throws IOException {
        store = new FilesystemBlobStore(root, true);
    }

    @Test
    void aCommittedUploadIsTheFileAtItsDigestsKey() throws IOException {
        byte[] content = bytes(1000);
        String id = UUID.randomUUID().toString();

        String key = store.commitUpload(id, written(id, content), digestOf(content), content.length);

        assertThat(key).isEqualTo(BlobKeys.forDigest(digestOf(content)));
        assertThat(Files.readAllBytes(root.resolve(key))).isEqualTo(content);
        assertThat(files("uploads")).isEmpty();
    }

    @Test
    void aDigestStoredAlreadyKeepsItsFileAndTheUploadIsDeleted() throws IOException {
        byte[] content = bytes(1000);
        String first = UUID.randomUUID().toString();
        String key = store.commitUpload(first, written(first, content), digestOf(content), content.length);
        Path file = root.resolve(key);
        Object identity = Files.readAttributes(file, "unix:ino").get("ino");
        String second = UUID.randomUUID().toString();

        String again = store.commitUpload(second, written(second, content), digestOf(content), content.length);

        assertThat(again).isEqualTo(key);
        assertThat(Files.readAttributes(file, "unix:ino").get("ino")).as("the stored file, not a new one").isEqualTo(identity);
        assertThat(files("blobs")).containsExactly(file);
        assertThat(files("uploads")).isEmpty();
    }

    @Test
    void concurrentCommitsOfOneDigestLeaveOneFile() throws Exception {
        int committers = 8;
        byte[] content = bytes(300_000);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < committers; i++) {
            ids.add(UUID.randomUUID().toString());
            written(ids.get(i), content);
        }
        CyclicBarrier together = new CyclicBarrier(committers);
        ExecutorService executor = Executors.newFixedThreadPool(committers);
        List<Future<String>> keys = new ArrayList<>();
        try {
            for (String id : ids) {
                keys.add(executor.submit(() -> {
                    together.await();
                    return store.commitUpload(id, "file", digestOf(content), content.length);
                }));
            }
            for (Future<String> key : keys) {
                assertThat(key.get()).isEqualTo(BlobKeys.forDigest(digestOf(content)));
            }
        } finally {
            executor.shutdownNow();
        }

        Path file = root.resolve(BlobKeys.forDigest(digestOf(content)));
        assertThat(files("blobs")).containsExactly(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(files("uploads")).isEmpty();
    }

    @Test
    void keysOutsideTheRootAreRefused() {
        for (String key : List.of("../outside", "blobs/../../outside", "/etc/passwd")) {
            assertThatThrownBy(() -> store.read(key, 0, 1)).as(key).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete(key)).as(key).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private String written(String id, byte[] content) throws IOException {
        return store.writeUpload(id, null, 0, new ByteArrayInputStream(content)).state();
    }

    private List<Path> files(String dir) throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve(dir))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String digestOf(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
