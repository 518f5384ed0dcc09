package io.stowage.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.stowage.config.StowageProperties;
import io.stowage.metadata.BlobRecord;
import io.stowage.metadata.GcRecords;
import io.stowage.metadata.RepositoryFilter;
import io.stowage.metadata.BlobRecords;
import io.stowage.metadata.UploadRecord;
import io.stowage.metadata.UploadRecords;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import io.stowage.storage.BlobStore;
import io.stowage.storage.PartialWriteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Blob uploads: monolithic, chunked (sessions kept in PostgreSQL so any node can continue them) and
 * cross-repository mounts. Bytes are hashed while they are written, in one pass, and a blob becomes
 * visible only once its digest and length are verified.
 */
@Service
public class UploadService {

    private static final Logger log = LoggerFactory.getLogger(UploadService.class);

    private final UploadRecords uploads;
    private final BlobRecords blobs;
    private final RepositoryService repositories;
    private final BlobStore store;
    private final UploadHashes hashes;
    private final TransactionTemplate tx;
    private final StowageProperties properties;
    private final GcRecords gc;
    private final RegistryMetrics metrics;
    private final OutageLog outages;
    // Chunks of one session are applied one at a time on this node; across nodes, advance() detects a race.
    private final ReentrantLock[] locks = new ReentrantLock[256];

    public UploadService(UploadRecords uploads, BlobRecords blobs, RepositoryService repositories, BlobStore store,
                         UploadHashes hashes, TransactionTemplate tx, StowageProperties properties, GcRecords gc,
                         RegistryMetrics metrics, OutageLog outages) {
        this.gc = gc;
        this.outages = outages;
        this.metrics = metrics;
        this.uploads = uploads;
        this.blobs = blobs;
        this.repositories = repositories;
        this.store = store;
        this.hashes = hashes;
        this.tx = tx;
        this.properties = properties;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** Opens an upload session. */
    public UploadStatus start(String repository, String digestAlgorithm) {
        String algorithm = Digest.requireSupportedAlgorithm(digestAlgorithm == null ? "sha256" : digestAlgorithm);
        UUID id = UUID.randomUUID();
        tx.executeWithoutResult(status ->
                uploads.insert(id, repositories.getOrCreateForWrite(repository), algorithm));
        return new UploadStatus(id, 0);
    }

    public UploadStatus status(String repository, UUID id) {
        RepositoryName.validate(repository);
        UploadRecord upload = require(repository, id);
        return new UploadStatus(id, upload.received());
    }

    /** Appends a chunk (PATCH). {@code range} may be null: the chunk then follows what the session holds. */
    public UploadStatus append(String repository, UUID id, ChunkRange range, Long contentLength, InputStream body) {
        RepositoryName.validate(repository);
        ReentrantLock lock = lockFor(id);
        lock.lock();
        try {
            UploadRecord upload = require(repository, id);
            long received = write(upload, range, contentLength, body);
            return new UploadStatus(id, received);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes a session (PUT ?digest=), writing a final chunk first if the request carries one, and makes
     * the blob visible in the repository once its digest and size check out.
     */
    public BlobRecord complete(String repository, UUID id, Digest digest, ChunkRange range, Long contentLength,
                               InputStream body) {
        RepositoryName.validate(repository);
        ReentrantLock lock = lockFor(id);
        lock.lock();
        try {
            UploadRecord upload = require(repository, id);
            long received = upload.received();
            if (contentLength == null || contentLength > 0 || range != null) {
                received = write(upload, range, contentLength, body);
                upload = require(repository, id);
            }
            MessageDigest hasher = digest.algorithm().equals(upload.digestAlgorithm())
                    ? hasherAt(upload) : recompute(id.toString(), upload.storageRef(), received, digest.algorithm());
            Digest actual = Digest.of(digest.algorithm(), hasher.digest());
            if (!actual.equals(digest)) {
                discard(upload);
                throw new RegistryException(ErrorCode.DIGEST_INVALID,
                        "upload content has digest " + actual + ", not " + digest);
            }
            String uploadRef = upload.storageRef();
            long size = received;
            // The session goes with its repository: if that was deleted meanwhile, the upload is unknown now.
            Recorded recorded = record(() -> {
                repositories.holdForWrite(repository);
                return require(repository, id).repositoryId();
            }, digest, received, () -> commit(id.toString(), uploadRef, digest, size), () -> uploads.delete(id));
            metrics.blobUploaded(RegistryMetrics.Arrival.CHUNKED, size);
            metrics.uploadCompleted(java.time.Duration.between(upload.startedAt(), java.time.Instant.now()));
            return discardDuplicate(recorded);
        } finally {
            lock.unlock();
        }
    }

    public void cancel(String repository, UUID id) {
        RepositoryName.validate(repository);
        ReentrantLock lock = lockFor(id);
        lock.lock();
        try {
            discard(require(repository, id));
        } finally {
            lock.unlock();
        }
    }

    /** A whole blob in one request (POST ?digest=). */
    public BlobRecord putMonolithic(String repository, Digest digest, Long contentLength, InputStream body) {
        repositories.requirePushable(repository);
        // Looked up (or created) only when the blob is recorded: a deletion meanwhile then leaves a fresh repository.
        return putWhole(() -> repositories.getOrCreateForWrite(repository), digest, contentLength, body,
                RegistryMetrics.Arrival.MONOLITHIC);
    }

    /**
     * A blob the pull-through cache fetched from {@code upstream} for a repository of its namespace: verified against
     * its digest and {@code size} (null: unknown) as it is written, and linked there, as a monolithic push would be.
     */
    public BlobRecord storeFetched(String repository, String upstream, Digest digest, Long size, InputStream body) {
        RepositoryName.validate(repository);
        return putWhole(() -> repositories.getOrCreateForCache(repository, upstream), digest, size, body,
                RegistryMetrics.Arrival.FETCHED);
    }

    private BlobRecord putWhole(Supplier<Long> repositoryId, Digest digest, Long contentLength, InputStream body,
                                RegistryMetrics.Arrival arrival) {
        HashingInputStream hashing = new HashingInputStream(body, digest.newHasher());
        UUID pin = blobs.find(digest.toString()).isPresent() ? pinIfStored(digest) : null;
        Recorded recorded;
        if (pin != null) {
            // Stored already (and pinned, so the collector leaves it): verify what the client sent, without
            // writing it again.
            try {
                hashing.transferTo(OutputStream.nullOutputStream());
                verify(digest, hashing, contentLength);
                recorded = record(repositoryId, digest, hashing.count(), () -> blobs.find(digest.toString())
                        .map(BlobRecord::storageKey).orElseThrow(), () -> gc.unpin(pin));
            } catch (IOException | RuntimeException e) {
                releaseAfterFailure(pin, digest);
                if (e instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new UncheckedIOException((IOException) e);
            }
        } else {
            String uploadId = UUID.randomUUID().toString();
            try {
                BlobStore.UploadWrite write = store.writeUpload(uploadId, null, 0, hashing);
                verify(digest, hashing, contentLength);
                long size = write.written();
                recorded = record(repositoryId, digest, size, () -> commit(uploadId, write.state(), digest, size),
                        () -> { });
            } catch (IOException | RuntimeException e) {
                deleteQuietly(uploadId, null);
                if (e instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new UncheckedIOException((IOException) e);
            }
        }
        metrics.blobUploaded(arrival, hashing.count());
        return discardDuplicate(recorded);
    }

    /**
     * Mounts a blob into {@code repository} from {@code from} or, when {@code from} is null and the
     * registry allows it, from any repository holding it. Only repositories that pass {@code readable} (those the
     * caller may pull) are sources. Empty when there is nothing to mount.
     */
    public Optional<BlobRecord> mount(String repository, Digest digest, String from, RepositoryFilter readable) {
        RepositoryName.validate(repository);
        boolean available;
        if (from != null) {
            available = RepositoryName.isValid(from) && blobs.isLinked(from, digest.toString(), readable);
        } else {
            available = properties.uploads().mountWithoutFrom() && blobs.isLinkedIn(digest.toString(), readable);
        }
        if (!available) {
            return Optional.empty();
        }
        return tx.execute(status -> {
            long repositoryId = repositories.getOrCreateForWrite(repository);
            gc.lockDigestShared(digest.toString());
            // The collector may have removed the blob since the check above.
            Optional<BlobRecord> blob = blobs.find(digest.toString());
            if (blob.isPresent()) {
                gc.reviewLinks(repositoryId, List.of(digest.toString()), properties.gc().reviewDelay());
                blobs.link(repositoryId, digest.toString());
            }
            return blob;
        });
    }

    /**
     * Pins the stored blob for the time the body takes (at most the upload expiry), under the digest's shared lock so
     * that a collector deleting it right now finishes first; null if it is gone, and the bytes must be written.
     */
    private UUID pinIfStored(Digest digest) {
        return tx.execute(status -> {
            gc.lockDigestShared(digest.toString());
            if (blobs.find(digest.toString()).isEmpty()) {
                return null;
            }
            UUID pin = UUID.randomUUID();
            gc.pin(pin, digest.toString(), properties.uploads().expiry());
            return pin;
        });
    }

    /** Releases the pin of a request that linked nothing: the blob may be garbage now, so it is reviewed. */
    private void releaseAfterFailure(UUID pin, Digest digest) {
        try {
            tx.executeWithoutResult(status -> {
                gc.unpin(pin);
                gc.reviewBlob(digest.toString(), java.time.Duration.ZERO);
            });
        } catch (RuntimeException e) {
            if (!duringOutage(e)) {
                log.warn("Could not release the pin of blob {} (it expires by itself): {}", digest, e.toString());
            }
        }
    }

    /**
     * Makes a blob visible in the repository: {@code store} commits the bytes and returns the object's key, under the
     * digest's shared lock, so that the collector cannot delete the object between the commit (which keeps an object
     * already there) and the row. The link is reviewed after the delay: a blob no manifest uses by then goes.
     * {@code repository} gives the repository's id holding it for the write ({@link RepositoryService}); it comes
     * first, before the bytes are committed. Returns the blob as recorded, read while the lock keeps the collector
     * from deleting it, with the key of the object this upload committed.
     */
    private Recorded record(Supplier<Long> repository, Digest digest, long size, Supplier<String> commitBytes,
                            Runnable alsoInTransaction) {
        return tx.execute(status -> {
            long repositoryId = repository.get();
            gc.lockDigestShared(digest.toString());
            String key = commitBytes.get();
            blobs.insert(digest.toString(), size, key);
            // Before the link: a collector holding the review has then finished with the old link.
            gc.reviewLinks(repositoryId, List.of(digest.toString()), properties.gc().reviewDelay());
            blobs.link(repositoryId, digest.toString());
            alsoInTransaction.run();
            return new Recorded(blobs.find(digest.toString()).orElseThrow(), key);
        });
    }

    /** A blob as recorded, and the key of the object an upload of it committed. */
    private record Recorded(BlobRecord blob, String key) {
    }

    private long write(UploadRecord upload, ChunkRange range, Long contentLength, InputStream body) {
        UUID id = upload.id();
        long offset = upload.received();
        if (range != null) {
            if (range.start() != offset) {
                throw new UploadRangeException(id, offset, "chunk starts at " + range.start()
                        + " but the upload holds " + offset + " bytes");
            }
            if (contentLength != null && contentLength != range.length()) {
                throw new UploadRangeException(id, offset, "Content-Range covers " + range.length()
                        + " bytes but Content-Length is " + contentLength);
            }
        }
        MessageDigest hasher = hasherAt(upload);
        HashingInputStream hashing = new HashingInputStream(body, hasher);
        BlobStore.UploadWrite write;
        try {
            write = store.writeUpload(id.toString(), upload.storageRef(), offset, hashing);
        } catch (PartialWriteException e) {
            if (hashing.failed() && hashing.count() == e.written()) {
                // The client broke off: keep what arrived, so that it can resume from there.
                if (uploads.advance(id, offset, offset + e.written(), e.state(), exportState(hasher))) {
                    hashes.put(id, offset + e.written(), hasher);
                }
            }
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (range != null && write.written() != range.length()) {
            throw new UploadRangeException(id, offset, "Content-Range covers " + range.length()
                    + " bytes but the chunk had " + write.written());
        }
        long received = offset + write.written();
        if (!uploads.advance(id, offset, received, write.state(), exportState(hasher))) {
            // Gone with its repository, or cancelled, while the chunk was written; its bytes are swept as orphans.
            long current = uploads.findById(id).map(UploadRecord::received).orElseThrow(() ->
                    new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload unknown: " + id));
            throw new UploadRangeException(id, current, "another request wrote to this upload at the same time");
        }
        hashes.put(id, received, hasher);
        return received;
    }

    /**
     * The running digest of a session after the bytes it holds: this node's own if it has it, else the state saved
     * with the session (any node's), else recomputed from storage, which S3 cannot do once a part is sent.
     */
    private MessageDigest hasherAt(UploadRecord upload) {
        long offset = upload.received();
        return hashes.take(upload.id(), offset)
                .or(() -> DigestState.restore(upload.digestAlgorithm(), upload.hashState(), offset))
                .orElseGet(() -> recompute(upload.id().toString(), upload.storageRef(), offset, upload.digestAlgorithm()));
    }

    /** The state saved with the session; a few hundred bytes per chunk. Null if it cannot be exported. */
    private static byte[] exportState(MessageDigest hasher) {
        return DigestState.export(hasher).orElse(null);
    }

    private MessageDigest recompute(String uploadId, String state, long length, String algorithm) {
        MessageDigest hasher = Digest.newHasher(algorithm);
        try (InputStream in = new HashingInputStream(store.readUpload(uploadId, state, length), hasher)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hasher;
    }

    private String commit(String uploadId, String state, Digest digest, long size) {
        try {
            return store.commitUpload(uploadId, state, digest.toString(), size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Dedup for stores whose keys are not content-addressed (S3): when another upload of the digest was recorded
     * first, the object this upload wrote is referenced by nothing, so it is deleted. A store that returned the
     * recorded blob's own key (the filesystem's content-addressed one) wrote nothing new, and keeps it.
     */
    private BlobRecord discardDuplicate(Recorded recorded) {
        String key = recorded.key();
        if (!recorded.blob().storageKey().equals(key)) {
            try {
                store.delete(key);
            } catch (IOException | RuntimeException e) {
                log.warn("Could not delete duplicate object {} of {}: {}", key, recorded.blob().digest(), e.toString());
            }
        }
        return recorded.blob();
    }

    private void verify(Digest digest, HashingInputStream hashing, Long contentLength) {
        if (contentLength != null && contentLength != hashing.count()) {
            throw new RegistryException(ErrorCode.SIZE_INVALID,
                    "received " + hashing.count() + " bytes, Content-Length said " + contentLength);
        }
        Digest actual = Digest.of(digest.algorithm(), hashing.digest());
        if (!actual.equals(digest)) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID,
                    "upload content has digest " + actual + ", not " + digest);
        }
    }

    private void discard(UploadRecord upload) {
        uploads.delete(upload.id());
        hashes.forget(upload.id());
        deleteQuietly(upload.id().toString(), upload.storageRef());
    }

    private void deleteQuietly(String uploadId, String state) {
        try {
            store.deleteUpload(uploadId, state);
        } catch (IOException | RuntimeException e) {
            if (!duringOutage(e)) {
                log.warn("Could not delete upload {} from storage (the expiry sweep will retry): {}", uploadId,
                        e.toString());
            }
        }
    }

    /**
     * Whether a clean-up failed for an outage, which the request's own answer reports once for all: a line per
     * failed clean-up would repeat it for every request.
     */
    private boolean duringOutage(Exception e) {
        Optional<Dependency> outage = Dependency.outageOf(e);
        outage.ifPresent(dependency -> outages.failed(dependency, e));
        return outage.isPresent();
    }

    private UploadRecord require(String repository, UUID id) {
        return uploads.find(repository, id).orElseThrow(() ->
                new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload unknown: " + id));
    }

    private ReentrantLock lockFor(UUID id) {
        return locks[Math.floorMod(id.hashCode(), locks.length)];
    }
}
