package io.stowage.storage.filesystem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filesystem store's files are its owner's alone: blobs and uploads 0600, directories 0700, old ones narrowed. */
class FilesystemPermissionsTest {

    @TempDir
    Path root;

    @Test
    void uploadsBlobsAndTheirDirectoriesAreOwnerOnly() throws Exception {
        FilesystemBlobStore store = new FilesystemBlobStore(root, true);
        byte[] content = "private layer".getBytes(StandardCharsets.UTF_8);
        String upload = UUID.randomUUID().toString();
        store.writeUpload(upload, null, 0, new ByteArrayInputStream(content));
        assertThat(mode(root.resolve("uploads").resolve(upload))).isEqualTo("rw-------");

        String key = store.commitUpload(upload, "file", "sha256:" + sha256(content), content.length);
        assertThat(mode(root.resolve(key))).isEqualTo("rw-------");
        assertEveryPathPrivate();
    }

    @Test
    void aStoreWrittenWorldReadableIsNarrowed() throws Exception {
        Path blob = root.resolve("blobs/sha256/ab/ab12");
        Files.createDirectories(blob.getParent());
        Files.writeString(blob, "layer");
        for (Path path : new Path[] {root, root.resolve("blobs"), root.resolve("blobs/sha256"), blob.getParent()}) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));

        FilesystemBlobStore store = new FilesystemBlobStore(root, true);
        store.restrictPermissions(); // the constructor started it in the background too; the walk is idempotent

        assertEveryPathPrivate();
        assertThat(store.restrictPermissions()).as("nothing left to narrow").isZero();
    }

    private void assertEveryPathPrivate() throws IOException {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : (Iterable<Path>) tree::iterator) {
                assertThat(mode(path)).as(path.toString()).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
            }
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
