package io.stowage.storage.filesystem;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.stowage.storage.BlobKeys;
import io.stowage.storage.BlobStore;
import io.stowage.storage.PartialWriteException;

/**
 * Blobs as files under a root directory. Uploads are written under {@code uploads/<id>}, flushed to disk,
 * then renamed to their content-addressed key: a half-written blob is never at a blob's key. Flushing runs
 * behind the writer ({@link BackgroundFlush}), so durability costs little throughput. Files are {@code 0600} and
 * directories {@code 0700}: private repositories' layers are not for other local users to read.
 */
public class FilesystemBlobStore implements BlobStore {

    private static final int BUFFER_SIZE = 256 << 10;
    // A file needs no state beyond its name.
    private static final String STATE = "file";
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Logger log = LoggerFactory.getLogger(FilesystemBlobStore.class);

    private final Path root;
    private final Path uploads;
    private final boolean fsync;
    private final boolean posix;

    /**
     * @param fsync whether an upload is forced to disk before it is renamed to its blob key (durable across
     *     power loss); without it, as CNCF distribution does, a crash of the machine may leave a truncated blob
     */
    public FilesystemBlobStore(Path root, boolean fsync) throws IOException {
        this.fsync = fsync;
        this.root = root.toAbsolutePath().normalize();
        this.uploads = this.root.resolve("uploads");
        this.posix = this.root.getFileSystem().supportedFileAttributeViews().contains("posix");
        boolean existed = Files.isDirectory(this.root);
        createDirectories(uploads);
        createDirectories(this.root.resolve("blobs"));
        if (posix && existed && !Files.getPosixFilePermissions(this.root).equals(PRIVATE_DIRECTORY)) {
            // Written by a version that left files world-readable: narrowed once, in the background,
            // so a large store does not hold up the start; the root's mode is narrowed last, marking it done.
            Thread.ofVirtual().name("storage-permissions").start(this::restrictPermissions);
        }
    }

    /**
     * Narrows every file under the root to {@code 0600} and every directory to {@code 0700}, the root last; returns
     * how many were changed. Idempotent: run again after an interruption.
     */
    public long restrictPermissions() {
        long[] changed = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    if (!dir.equals(root) && narrow(dir, PRIVATE_DIRECTORY)) {
                        changed[0]++;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (attributes.isRegularFile() && narrow(file, PRIVATE_FILE)) {
                        changed[0]++;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // deleted meanwhile (committed upload, collected blob)
                }
            });
            if (narrow(root, PRIVATE_DIRECTORY)) {
                changed[0]++;
            }
            if (changed[0] > 0) {
                log.info("Restricted {} files and directories under {} to their owner (0600/0700)", changed[0], root);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot restrict the permissions under {}: {}", root, e.toString());
        }
        return changed[0];
    }

    private static boolean narrow(Path path, Set<PosixFilePermission> permissions) throws IOException {
        try {
            if (Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(permissions)) {
                return false;
            }
            Files.setPosixFilePermissions(path, permissions);
            return true;
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    private void createDirectories(Path directory) throws IOException {
        if (posix) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
        } else {
            Files.createDirectories(directory);
        }
    }

    private FileAttribute<?>[] privateFile() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE_FILE)}
                : new FileAttribute<?>[0];
    }

    @Override
    public String backend() {
        return "filesystem";
    }

    @Override
    public void check() throws IOException {
        for (Path dir : new Path[] {uploads, root.resolve("blobs")}) {
            if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
                throw new IOException(dir + " is not a writable directory");
            }
        }
    }

    @Override
    public UploadWrite writeUpload(String uploadId, String state, long offset, InputStream data) throws IOException {
        Path file = uploadFile(uploadId);
        try (FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), privateFile());
             BackgroundFlush flush = fsync ? new BackgroundFlush(channel) : null) {
            long size = channel.size();
            if (size < offset) {
                throw new IOException("upload " + uploadId + " holds " + size + " bytes, expected at least " + offset);
            }
            if (size > offset) {
                channel.truncate(offset);
            }
            channel.position(offset);
            byte[] buffer = new byte[BUFFER_SIZE];
            long written = 0;
            while (true) {
                int filled = 0;
                IOException readFailure = null;
                try {
                    int n;
                    while (filled < buffer.length && (n = data.read(buffer, filled, buffer.length - filled)) > 0) {
                        filled += n;
                    }
                } catch (IOException e) {
                    readFailure = e;
                }
                writeFully(channel, buffer, filled);
                written += filled;
                if (flush != null) {
                    flush.wrote(filled);
                }
                if (readFailure != null) {
                    throw new PartialWriteException(written, STATE, readFailure);
                }
                if (filled < buffer.length) {
                    return new UploadWrite(written, STATE);
                }
            }
        }
    }

    @Override
    public InputStream readUpload(String uploadId, String state, long length) throws IOException {
        Path file = uploadFile(uploadId);
        if (length == 0 && !Files.exists(file)) {
            return InputStream.nullInputStream();
        }
        // A shorter stream would be hashed as if it were the upload: its digest would be wrong without a word.
        long held = Files.size(file);
        if (held < length) {
            throw new IOException("upload " + uploadId + " holds " + held + " bytes, not " + length);
        }
        return range(file, 0, length);
    }

    @Override
    public String commitUpload(String uploadId, String state, String digest, long size) throws IOException {
        Path source = uploadFile(uploadId);
        if (size == 0 && !Files.exists(source)) {
            Files.createFile(source, privateFile());
        }
        String key = BlobKeys.forDigest(digest);
        Path target = file(key);
        if (Files.exists(target)) {
            Files.deleteIfExists(source);
            return key;
        }
        long held = Files.size(source);
        if (held < size) {
            // Bytes the registry verified as they arrived are gone (a crash before they were flushed).
            throw new IOException("upload " + uploadId + " holds " + held + " bytes, not " + size);
        }
        if (held > size) {
            // What a write the registry never recorded left after the bytes it did: not part of the blob.
            try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
                channel.truncate(size);
            }
        }
        if (fsync) {
            try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
        createDirectories(target.getParent());
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            // Another upload of the same content won the race; the bytes are identical.
            Files.deleteIfExists(source);
        }
        if (fsync) {
            syncDirectory(target.getParent());
        }
        return key;
    }

    @Override
    public void deleteUpload(String uploadId, String state) throws IOException {
        Files.deleteIfExists(uploadFile(uploadId));
    }

    @Override
    public List<String> uploadsWrittenBefore(Instant before) throws IOException {
        List<String> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(uploads)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                try {
                    if (Files.getLastModifiedTime(file).toInstant().isBefore(before)) {
                        result.add(file.getFileName().toString());
                    }
                } catch (NoSuchFileException ignored) {
                    // committed or deleted meanwhile
                }
            }
        }
        return result;
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        return range(file(key), offset, length);
    }

    @Override
    public Optional<Path> localFile(String key) {
        return Optional.of(file(key));
    }

    @Override
    public boolean exists(String key) {
        return Files.exists(file(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(file(key));
    }

    private Path file(String key) {
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("storage key escapes the root: " + key);
        }
        return file;
    }

    private Path uploadFile(String uploadId) {
        if (!uploadId.matches("[0-9a-f-]{36}")) {
            throw new IllegalArgumentException("not an upload id: " + uploadId);
        }
        return uploads.resolve(uploadId);
    }

    private static InputStream range(Path file, long offset, long length) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        channel.position(offset);
        return new FilterInputStream(Channels.newInputStream(channel)) {
            private long remaining = length;

            @Override
            public int read() throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    remaining--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, remaining));
                if (n > 0) {
                    remaining -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                // FilterInputStream's would skip in the file, and the reads after it go past the range's end.
                long skipped = super.skip(Math.min(n, remaining));
                remaining -= skipped;
                return skipped;
            }
        };
    }

    private static void writeFully(FileChannel channel, byte[] buffer, int length) throws IOException {
        ByteBuffer wrapped = ByteBuffer.wrap(buffer, 0, length);
        while (wrapped.hasRemaining()) {
            channel.write(wrapped);
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // Not every filesystem lets a directory be synced; the rename itself is still atomic.
        }
    }
}
