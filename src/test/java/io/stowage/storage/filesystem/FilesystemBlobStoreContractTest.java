package io.stowage.storage.filesystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import io.stowage.storage.BlobStore;
import io.stowage.storage.BlobStoreContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The {@link BlobStore} contract on the filesystem backend, as configured by default (fsync on), in a directory of its own. */
class FilesystemBlobStoreContractTest extends BlobStoreContract {

    @TempDir
    static Path dir;

    private static FilesystemBlobStore store;

    @BeforeAll
    static void openStore() throws IOException {
        store = new FilesystemBlobStore(dir.resolve("store"), true);
    }

    @Override
    protected BlobStore store() {
        return store;
    }

    @Override
    protected BreakableStore breakableStore() throws IOException {
        Path root = dir.resolve("breakable-" + UUID.randomUUID());
        // Removing the root is what breaks it: as root (our CI), a directory without write bits is still writable.
        return new BreakableStore(new FilesystemBlobStore(root, true), () -> deleteRecursively(root));
    }

    @Override
    protected boolean givesDownloadUrls() {
        return false;
    }

    @Override
    protected boolean hasLocalFiles() {
        return true;
    }

    @Override
    protected long storedSize(String key) throws IOException {
        return Files.size(store.localFile(key).orElseThrow());
    }

    static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
