package io.stowage.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.stowage.config.StowageProperties;
import io.stowage.registry.CachedContent;
import io.stowage.registry.Digest;
import io.stowage.registry.ErrorCode;
import io.stowage.registry.RegistryException;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The pull-through cache's blobs. A blob the cached repository serves already is served as any other; one stored for
 * another repository is linked without a transfer when a manifest of this repository lists it (deduplication with
 * pushed and other cached layers); anything else is fetched from the upstream once, however many clients of however
 * many nodes ask at the same time. On the node that fetches, clients stream it while it arrives ({@link BlobFetch});
 * on the others they wait until it is stored.
 */
@Service
public class BlobFetches {

    private static final Logger log = LoggerFactory.getLogger(BlobFetches.class);

    private final Upstreams upstreams;
    private final CachedContent content;
    private final FetchLeases leases;
    private final ProxyMetrics metrics;
    private final Path spoolDirectory;
    private final Duration timeout;
    private final Map<String, BlobFetch> fetches = new ConcurrentHashMap<>();
    private final ExecutorService transfers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "proxy-fetch-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<BlobFetch, InputStream> upstreamBodies = new ConcurrentHashMap<>();

    public BlobFetches(Upstreams upstreams, CachedContent content, FetchLeases leases, ProxyMetrics metrics,
                       StowageProperties properties) {
        this.upstreams = upstreams;
        this.content = content;
        this.leases = leases;
        this.metrics = metrics;
        this.spoolDirectory = properties.proxySpoolDirectory();
        this.timeout = properties.proxy().timeout();
        if (!upstreams.isEmpty()) {
            prepareSpool();
            long period = Math.max(1, Math.min(timeout.toMillis() / 4, 1000));
            watchdog.scheduleWithFixedDelay(this::abortStalled, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** A blob on its way from the upstream: its size (-1 while unknown) and its bytes as they arrive. */
    public interface Streaming extends AutoCloseable {
        /** The size the upstream announced; -1 if it did not (then {@link #awaitSize} waits for the end). */
        long size();

        long awaitSize() throws InterruptedException;

        InputStream body();

        @Override
        void close() throws IOException;
    }

    /**
     * Makes a blob of a cached repository servable. Empty when the registry serves it now as any stored blob (or the
     * repository is no cached one); else the blob streaming in from the upstream. Throws the client's error when the
     * upstream does not have it or fails.
     */
    public Optional<Streaming> ensureBlob(String repository, Digest digest) {
        if (upstreams.isEmpty()) {
            return Optional.empty();
        }
        Optional<Upstreams.Route> route = upstreams.route(repository);
        if (route.isEmpty()) {
            return Optional.empty();
        }
        Upstream upstream = route.get().upstream();
        if (content.isLinked(repository, digest)) {
            metrics.count(upstream, "blob", ProxyMetrics.Outcome.HIT);
            return Optional.empty();
        }
        // Bytes stored for another repository serve this one only if this one's upstream listed the digest.
        boolean listed = content.isListed(repository, digest);
        String key = listed ? "blob:" + digest : "blob:" + repository + "@" + digest;
        long deadline = System.nanoTime() + timeout.multipliedBy(20).toNanos();
        try {
            for (boolean first = true; System.nanoTime() < deadline; first = false) {
                if (!first && content.isLinked(repository, digest)) {
                    return Optional.empty(); // stored meanwhile, by this node or another
                }
                if (listed && content.linkStored(repository, upstream.name(), digest).isPresent()) {
                    metrics.count(upstream, "blob", ProxyMetrics.Outcome.HIT);
                    return Optional.empty();
                }
                // One registration decides who fetches: whoever registers second joins, and looks again when the
                // fetch it joined closes without serving it (stored meanwhile, or the lease was another node's).
                BlobFetch fetch = new BlobFetch(digest, spoolDirectory.resolve("blob-" + UUID.randomUUID() + ".spool"),
                        repository);
                BlobFetch running = fetches.putIfAbsent(key, fetch);
                if (running != null) {
                    BlobFetch.Reader reader = running.join(repository);
                    if (reader != null) {
                        return Optional.of(streaming(reader, running));
                    }
                    continue;
                }
                Optional<Streaming> started = start(route.get(), repository, digest, key, fetch);
                if (started != null) {
                    return started;
                }
                // Another node fetches it: wait for it to be stored there, then link it here.
                leases.awaitRelease(key, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(ErrorCode.UNAVAILABLE, "interrupted while fetching " + digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new RegistryException(ErrorCode.UNAVAILABLE, 503, "the fetch of " + digest + " from upstream "
                + upstream.name() + " is taking long on another node; try again", null);
    }

    /**
     * Fetches as this node's and the cluster's only fetch of the key ({@code fetch} is registered for it on this
     * node), and joins it; null when another node holds the key's lease (then the fetch is closed, and those who
     * joined it look again).
     */
    private Optional<Streaming> start(Upstreams.Route route, String repository, Digest digest, String key,
                                      BlobFetch fetch) throws IOException, InterruptedException {
        try {
            createSpool(fetch.spool());
        } catch (IOException | RuntimeException e) {
            RegistryException failure = new RegistryException(ErrorCode.UNAVAILABLE, "cannot spool " + digest + ": " + e);
            fetch.failed(failure);
            finish(key, fetch);
            throw failure;
        }
        boolean claimed;
        try {
            claimed = leases.tryClaim(key);
        } catch (RuntimeException e) {
            fetch.failed(e);
            finish(key, fetch);
            throw e;
        }
        if (!claimed) {
            // Those who joined meanwhile look again, as this caller does.
            finish(key, fetch);
            return null;
        }
        Upstream upstream = route.upstream();
        RegistryClient.Blob blob;
        try {
            blob = upstream.client().openBlob(route.remoteName(), digest).orElse(null);
        } catch (UpstreamException e) {
            metrics.error(upstream, e);
            RegistryException error = UpstreamErrors.toRegistry(upstream, e);
            fetch.failed(error);
            finish(key, fetch);
            leases.release(key);
            throw error;
        } catch (RuntimeException e) {
            fetch.failed(e);
            finish(key, fetch);
            leases.release(key);
            throw e;
        }
        if (blob == null) {
            RegistryException unknown = new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob unknown: "
                    + route.remoteName() + "@" + digest + " is not found at upstream " + upstream.name());
            fetch.failed(unknown);
            finish(key, fetch);
            leases.release(key);
            throw unknown;
        }
        metrics.count(upstream, "blob", ProxyMetrics.Outcome.MISS);
        fetch.started(blob.size());
        upstreamBodies.put(fetch, blob.body());
        BlobFetch.Reader reader = fetch.join(repository);
        transfers.execute(() -> transfer(upstream, key, fetch, blob));
        return Optional.of(streaming(reader, fetch));
    }

    /**
     * Stores the upstream's bytes in one pass: the upload service reads them through a {@link SpoolingStream}, which
     * copies each piece into the spool for the readers as it goes by, and verifies the digest and size as it writes
     * them to storage. Readers reach the end once the blob is verified and recorded; then it is linked wherever else
     * it was asked for.
     */
    private void transfer(Upstream upstream, String key, BlobFetch fetch, RegistryClient.Blob blob) {
        Digest digest = fetch.digest();
        try (InputStream in = blob.body();
             FileChannel spool = FileChannel.open(fetch.spool(), StandardOpenOption.WRITE);
             SpoolingStream tee = new SpoolingStream(in, spool, fetch, () -> renew(key))) {
            content.storeBlob(fetch.leader(), upstream.name(), digest, blob.size() >= 0 ? blob.size() : null, tee);
            metrics.fetched(upstream, tee.count());
            fetch.verified(tee.count());
        } catch (IOException | RuntimeException e) {
            log.warn("Fetching {} from upstream {} failed: {}", digest, upstream, e.toString());
            fetch.failed(new RegistryException(ErrorCode.UNAVAILABLE, 502, "the fetch of " + digest
                    + " from upstream " + upstream.name() + " failed: " + e.getMessage(), null));
            finish(key, fetch);
            leases.release(key);
            return;
        } finally {
            upstreamBodies.remove(fetch);
        }
        try {
            // Everyone who asked meanwhile; requests after the close find it stored.
            fetch.close();
            for (String repository : fetch.repositories()) {
                if (!repository.equals(fetch.leader())) {
                    content.linkStored(repository, upstream.name(), digest);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Linking {} fetched from upstream {} failed (the next request links it): {}", digest, upstream,
                    e.toString());
        } finally {
            finish(key, fetch);
            leases.release(key);
        }
    }

    /** Renews the fetch's lease when due; fails the transfer when another node took it over. */
    private void renew(String key) throws IOException {
        if (!leases.renew(key)) {
            throw new IOException("lost the fetch's lease to another node");
        }
    }

    /**
     * The upstream's bytes as the upload service reads them, each piece also written to the spool (and announced to
     * the readers) before it is handed on; renews the fetch's lease every third of its lifetime.
     */
    private final class SpoolingStream extends java.io.FilterInputStream {

        private final FileChannel spool;
        private final BlobFetch fetch;
        private final IoAction renewal;
        private final long renewEvery = leases.renewalInterval().toNanos();
        private long lastRenewal = System.nanoTime();
        private long count;
        // The upstream's bytes are taken in large pieces, whatever the reader's buffer: fewer spool writes and
        // fewer wake-ups of the clients streaming the spool.
        private final byte[] piece = new byte[256 * 1024];
        private int start;
        private int end;

        SpoolingStream(InputStream in, FileChannel spool, BlobFetch fetch, IoAction renewal) {
            super(in);
            this.spool = spool;
            this.fetch = fetch;
            this.renewal = renewal;
        }

        long count() {
            return count;
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
            if (start == end && !fill()) {
                return -1;
            }
            int n = Math.min(length, end - start);
            System.arraycopy(piece, start, buffer, offset, n);
            start += n;
            return n;
        }

        /** Reads the next piece from the upstream into the spool; false at the end. */
        private boolean fill() throws IOException {
            int read = in.read(piece, 0, piece.length);
            if (read < 0) {
                return false;
            }
            ByteBuffer bytes = ByteBuffer.wrap(piece, 0, read);
            while (bytes.hasRemaining()) {
                spool.write(bytes);
            }
            start = 0;
            end = read;
            count += read;
            fetch.advanced(read);
            if (System.nanoTime() - lastRenewal > renewEvery) {
                renewal.run();
                lastRenewal = System.nanoTime();
            }
            return true;
        }

        @Override
        public long skip(long n) {
            return 0; // every byte goes through read, to the spool
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private void finish(String key, BlobFetch fetch) {
        fetch.close();
        fetches.remove(key, fetch);
        try {
            Files.deleteIfExists(fetch.spool());
        } catch (IOException e) {
            log.warn("Could not delete the spool file {}: {}", fetch.spool(), e.toString());
        }
    }

    /** Breaks off transfers whose upstream sent nothing for longer than the timeout: their readers fail. */
    private void abortStalled() {
        upstreamBodies.forEach((fetch, body) -> {
            if (fetch.nanosSinceProgress() > timeout.toNanos()) {
                log.warn("Upstream sent nothing of {} for {} s; breaking the transfer off", fetch.digest(),
                        timeout.toSeconds());
                try {
                    body.close();
                } catch (IOException e) {
                    // the transfer's read fails either way
                }
                upstreamBodies.remove(fetch);
            }
        });
    }

    private static Streaming streaming(BlobFetch.Reader reader, BlobFetch fetch) {
        return new Streaming() {
            @Override
            public long size() {
                return reader.size();
            }

            @Override
            public long awaitSize() throws InterruptedException {
                return fetch.awaitSize();
            }

            @Override
            public InputStream body() {
                return reader;
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /** A fetch's spool file, private to the service's user. */
    private static void createSpool(Path spool) throws IOException {
        try {
            Files.createFile(spool, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(spool); // not a POSIX file system: its own access rules apply
        }
    }

    /** The spool directory, private to the service's user, emptied of what a previous run left. */
    private void prepareSpool() {
        try {
            Files.createDirectories(spoolDirectory);
            try {
                Files.setPosixFilePermissions(spoolDirectory, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its own access rules apply
            }
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(spoolDirectory, "blob-*.spool")) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the proxy spool directory " + spoolDirectory, e);
        }
    }

    @PreDestroy
    void shutdown() {
        watchdog.shutdownNow();
        transfers.shutdownNow();
    }
}
