package io.stowage.storage.filesystem;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Flushes an upload file to disk behind the writer, every {@value #INTERVAL_BYTES} bytes, so that disk
 * writes overlap with receiving the rest and the fsync before the commit rename has little left to do.
 * At most one flush is in flight; a failed one is not reported here: the commit's own fsync reports it.
 */
final class BackgroundFlush implements AutoCloseable {

    static final long INTERVAL_BYTES = 32L << 20;

    private final FileChannel channel;
    private long sinceLastFlush;
    private Thread inFlight;

    BackgroundFlush(FileChannel channel) {
        this.channel = channel;
    }

    void wrote(long bytes) {
        sinceLastFlush += bytes;
        if (sinceLastFlush >= INTERVAL_BYTES && (inFlight == null || !inFlight.isAlive())) {
            sinceLastFlush = 0;
            inFlight = Thread.ofVirtual().name("upload-flush").start(() -> {
                try {
                    channel.force(false);
                } catch (IOException ignored) {
                    // reported by the fsync at commit
                }
            });
        }
    }

    /** Waits for the flush in flight, so that the channel can be closed under it. */
    @Override
    public void close() {
        if (inFlight == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                inFlight.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
