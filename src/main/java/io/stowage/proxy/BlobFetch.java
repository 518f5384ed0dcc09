package io.stowage.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.stowage.registry.Digest;

/**
 * One blob on its way from an upstream into the cache: its bytes are spooled to a file as they arrive, and any number
 * of readers stream that file behind the writer, so that the first client gets bytes long before the transfer ends
 * and twenty clients cost one transfer. A reader reaches the end only once every byte arrived and the digest was
 * verified; when the transfer fails or the bytes are wrong, its next read fails, and its client sees a broken
 * transfer rather than a blob with the wrong digest.
 */
final class BlobFetch {

    enum State { OPENING, STREAMING, VERIFIED, FAILED }

    private final Digest digest;
    private final Path spool;
    private final String leader;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Set<String> repositories = ConcurrentHashMap.newKeySet();
    private State state = State.OPENING;
    private long size = -1;
    private long written;
    private RuntimeException failure;
    private boolean closed;
    private volatile long lastProgress = System.nanoTime();

    BlobFetch(Digest digest, Path spool, String repository) {
        this.digest = digest;
        this.spool = spool;
        this.leader = repository;
        this.repositories.add(repository);
    }

    Digest digest() {
        return digest;
    }

    Path spool() {
        return spool;
    }

    /** The repository whose client started the fetch: the blob is stored for it, and linked for the others. */
    String leader() {
        return leader;
    }

    /** The repositories whose clients asked for it while it was fetched: each gets it linked. */
    Set<String> repositories() {
        return repositories;
    }

    // ---- the writer

    void started(long contentLength) {
        signal(() -> {
            size = contentLength;
            state = State.STREAMING;
        });
    }

    void advanced(long bytes) {
        lastProgress = System.nanoTime();
        signal(() -> written += bytes);
    }

    void verified(long total) {
        signal(() -> {
            size = total;
            state = State.VERIFIED;
        });
    }

    void failed(RuntimeException cause) {
        signal(() -> {
            failure = cause;
            state = State.FAILED;
        });
    }

    /** Takes no more readers; the spool may go once the readers that have it open are done (they keep their file). */
    void close() {
        signal(() -> closed = true);
    }

    long nanosSinceProgress() {
        return System.nanoTime() - lastProgress;
    }

    private void signal(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- readers

    /**
     * Joins the fetch for a client of {@code repository}: waits until the upstream answered, then a stream of the
     * blob's bytes and its size (-1 while unknown). Null when the fetch is closed: the blob is stored by now, its fetch failed
     * after sending bytes, or another node fetches it. Throws the fetch's failure when it failed before a byte came.
     */
    Reader join(String repository) throws InterruptedException, IOException {
        lock.lock();
        try {
            while (state == State.OPENING && !closed) {
                changed.await();
            }
            if (state == State.FAILED && written == 0) {
                throw failure; // those who asked meanwhile share the upstream's answer
            }
            if (closed) {
                return null;
            }
            repositories.add(repository);
            return new Reader(FileChannel.open(spool, StandardOpenOption.READ), size);
        } finally {
            lock.unlock();
        }
    }

    /** The blob's size, waiting for the end of the transfer when the upstream did not say it up front. */
    long awaitSize() throws InterruptedException {
        lock.lock();
        try {
            while (size < 0 && state != State.VERIFIED && state != State.FAILED) {
                changed.await();
            }
            if (state == State.FAILED && size < 0) {
                throw failure;
            }
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes from {@code position} on that a reader may have: waits for them, or for the end. -1 at the end. */
    private long awaitBytes(long position) throws IOException {
        lock.lock();
        try {
            while (position >= written && state == State.STREAMING) {
                changed.await(1, TimeUnit.SECONDS);
            }
            if (state == State.FAILED) {
                throw new UpstreamTransferBroken("the fetch of " + digest + " from its upstream failed: "
                        + failure.getMessage(), failure);
            }
            if (position < written) {
                return written - position;
            }
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for " + digest);
        } finally {
            lock.unlock();
        }
    }

    /** A client's stream of the spool, behind the writer. */
    final class Reader extends InputStream {

        private final FileChannel channel;
        private final long size;
        private long position;

        private Reader(FileChannel channel, long size) {
            this.channel = channel;
            this.size = size;
        }

        /** The blob's size as the upstream announced it; -1 when it did not. */
        long size() {
            return size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            long available = awaitBytes(position);
            if (available < 0) {
                return -1;
            }
            int wanted = (int) Math.min(length, available);
            int read = channel.read(ByteBuffer.wrap(buffer, offset, wanted), position);
            if (read < 0) {
                throw new IOException("the spool of " + digest + " ended early");
            }
            position += read;
            return read;
        }

        /** In large pieces, whatever the caller's buffer (a servlet response's is small). */
        @Override
        public long transferTo(java.io.OutputStream out) throws IOException {
            byte[] buffer = new byte[256 * 1024];
            long total = 0;
            int read;
            while ((read = read(buffer, 0, buffer.length)) >= 0) {
                out.write(buffer, 0, read);
                total += read;
            }
            return total;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
