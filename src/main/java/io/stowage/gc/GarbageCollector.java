package io.stowage.gc;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.stowage.config.StowageProperties;
import io.stowage.config.StowageProperties.UntaggedPolicy;
import io.stowage.gc.GcRunLog.Trigger;
import io.stowage.metadata.BlobRecord;
import io.stowage.metadata.GcRecords;
import io.stowage.metadata.GcRecords.ManifestRow;
import io.stowage.metadata.GcRecords.ObjectDeletion;
import io.stowage.metadata.GcRecords.Review;
import io.stowage.storage.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Online garbage collection: takes due reviews, re-checks each in its own short transaction, deletes what nothing
 * keeps, commits, and only then deletes the object in storage. Any number of nodes may run it at once: a review
 * is claimed without waiting ({@code SKIP LOCKED} or a try-lock), so two workers never handle the same one.
 *
 * <p>Races with pushes are settled by row locks: a manifest push share-locks the links, blobs and child manifests
 * it references until it commits, and the collector locks them for update before it re-checks, so one waits for
 * the other (a blob link a push holds is not waited for but left for the next pass: the collector holds the link's
 * review then, which a manifest deletion a push may wait for also needs). Uploads and mounts hold a shared advisory lock on the digest while they make a blob visible, which the
 * collector takes exclusively from deleting the blob's row until its object is gone.
 */
@Component
public class GarbageCollector implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);
    // With the delay ignored, follow-ups (an index's children, a manifest's blobs) are due in the same pass; the
    // deepest chain (referrer of an index: referrer, index, child, links, blobs) needs fewer rounds than this.
    private static final int MAX_ROUNDS = 16;

    private final GcRecords records;
    private final BlobStore store;
    private final StowageProperties properties;
    private final TransactionTemplate tx;
    private final TransactionTemplate separateTx;
    private final GcMetrics metrics;
    private final GcRunLog runLog;

    public GarbageCollector(GcRecords records, BlobStore store, StowageProperties properties,
                            PlatformTransactionManager transactions, GcMetrics metrics, GcRunLog runLog) {
        this.records = records;
        this.metrics = metrics;
        this.runLog = runLog;
        this.store = store;
        this.properties = properties;
        this.tx = new TransactionTemplate(transactions);
        this.separateTx = new TransactionTemplate(transactions);
        this.separateTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * How to run a pass.
     *
     * @param dryRun only report what is due and would go now; nothing is deleted and no follow-up is reviewed
     * @param ignoreDelay treat every review as due, follow-ups included (tests, and an operator's "now")
     * @param repositoryIds only reviews of these repositories' manifests and links (and the blobs they free);
     *     null for all
     * @param untagged the policy for manifests pushed untagged
     * @param blobDigests also reviews of these blobs (in a pass scoped to them alone when {@code repositoryIds} is
     *     null): blobs a scoped pass did not unlink itself, such as those of a deleted repository; null for none
     */
    public record Options(boolean dryRun, boolean ignoreDelay, Set<Long> repositoryIds, UntaggedPolicy untagged,
                          Set<String> blobDigests) {

        public Options(boolean dryRun, boolean ignoreDelay, Set<Long> repositoryIds, UntaggedPolicy untagged) {
            this(dryRun, ignoreDelay, repositoryIds, untagged, null);
        }
    }

    /**
     * What a pass deleted (or, in a dry run, would delete).
     *
     * @param manifests {@code repository@digest} of each manifest
     * @param links {@code repository@digest} of each blob link removed from a repository
     * @param blobs digests of the blobs whose row and object went
     * @param bytes their total size
     * @param deleteFailures objects whose delete in storage failed this pass, to be retried with backoff
     * @param reviewFailures reviews that failed (a lost race, a database error) and stay queued for the next pass
     */
    public record Report(List<String> manifests, List<String> links, List<String> blobs, long bytes,
                         int deleteFailures, int reviewFailures) {

        /** Whether any manifest, link or blob went (or, in a dry run, would go). */
        public boolean deletedAnything() {
            return !manifests.isEmpty() || !links.isEmpty() || !blobs.isEmpty();
        }
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        StowageProperties.Gc gc = properties.gc();
        if (gc.enabled()) {
            registrar.addFixedDelayTask(this::scheduledPass, gc.interval());
        }
    }

    private void scheduledPass() {
        try {
            Report report = pass(new Options(false, false, null, properties.gc().untagged()));
            if (report.deletedAnything()) {
                log.info("Garbage collection: {} manifests, {} blob links, {} blobs ({} bytes) deleted",
                        report.manifests().size(), report.links().size(), report.blobs().size(), report.bytes());
            }
        } catch (RuntimeException e) {
            log.warn("Garbage collection pass failed (will retry): {}", e.toString());
        }
    }

    /** One pass over due reviews, then over objects whose delete failed before, recorded as the collector's own. */
    public Report pass(Options options) {
        return pass(options, Trigger.SCHEDULED);
    }

    /** {@link #pass(Options)}, recorded in {@code gc_runs} as asked for by {@code trigger} (when worth recording). */
    public Report pass(Options options, Trigger trigger) {
        Instant startedAt = Instant.now();
        long started = System.nanoTime();
        Collector collector = new Collector(options);
        try {
            int rounds = options.ignoreDelay() && !options.dryRun() ? MAX_ROUNDS : 1;
            for (int round = 0; round < rounds; round++) {
                if (!collector.round()) {
                    break;
                }
            }
            if (!options.dryRun()) {
                collector.retryObjectDeletions();
            }
        } catch (RuntimeException e) {
            runLog.passed(trigger, options.dryRun(), startedAt, collector.report(), e);
            throw e;
        }
        Report report = collector.report();
        if (!options.dryRun()) {
            metrics.record(report, Duration.ofNanos(System.nanoTime() - started));
        }
        runLog.passed(trigger, options.dryRun(), startedAt, report, null);
        return report;
    }

    /** The state of one pass. */
    private final class Collector {

        private final Options options;
        private final int batch = properties.gc().batchSize();
        private final Long[] scope;
        private final Set<String> freedDigests = new LinkedHashSet<>();
        private final List<String> manifests = new ArrayList<>();
        private final List<String> links = new ArrayList<>();
        private final List<String> blobs = new ArrayList<>();
        private long bytes;
        private int deleteFailures;
        private int reviewFailures;

        Collector(Options options) {
            this.options = options;
            this.scope = options.repositoryIds() != null ? options.repositoryIds().toArray(Long[]::new)
                    : options.blobDigests() != null ? new Long[0] : null;
            if (options.blobDigests() != null) {
                freedDigests.addAll(options.blobDigests());
            }
        }

        /** What went so far. */
        Report report() {
            return new Report(List.copyOf(manifests), List.copyOf(links), List.copyOf(blobs), bytes, deleteFailures,
                    reviewFailures);
        }

        /** One batch of each kind of review; whether anything went. */
        boolean round() {
            int before = manifests.size() + links.size() + blobs.size();
            for (long id : records.dueManifestReviews(batch, options.ignoreDelay(), scope)) {
                guarded("manifest " + id, () -> reviewManifest(id));
            }
            for (Object[] link : records.dueLinkReviews(batch, options.ignoreDelay(), scope)) {
                guarded("link " + link[1], () -> reviewLink((Long) link[0], (String) link[1]));
            }
            // A scoped pass must not collect other repositories' blobs early: only those it unlinked itself (or
            // was named).
            String[] blobScope = scope == null ? null : freedDigests.toArray(String[]::new);
            if (blobScope == null || blobScope.length > 0) {
                for (String digest : records.dueBlobReviews(batch, options.ignoreDelay(), blobScope)) {
                    guarded("blob " + digest, () -> reviewBlob(digest));
                }
            }
            return manifests.size() + links.size() + blobs.size() > before;
        }

        private void guarded(String what, Runnable review) {
            try {
                review.run();
            } catch (RuntimeException e) {
                // A deadlock victim or a lost race: the review stays queued for the next pass.
                reviewFailures++;
                log.warn("Garbage collection of {} failed (will retry): {}", what, e.toString());
            }
        }

        private boolean due(Review review) {
            return options.ignoreDelay() || review.due();
        }

        private void reviewManifest(long id) {
            tx.executeWithoutResult(status -> {
                // Claimed with a try-lock, not by locking the review row: pushes enqueue reviews while holding
                // share locks on manifests, which this transaction is about to wait for.
                if (!records.tryLockManifest(id)) {
                    return;
                }
                Optional<Review> review = records.manifestReview(id);
                if (review.isEmpty() || !due(review.get())) {
                    return;
                }
                Optional<ManifestRow> found = records.manifest(id, !options.dryRun());
                if (found.isEmpty()) {
                    // Deleted by digest or with its repository meanwhile: nothing is left to review.
                    if (!options.dryRun()) {
                        records.dropManifestReview(id, review.get());
                    }
                    return;
                }
                ManifestRow manifest = found.get();
                boolean kept = records.isKept(manifest)
                        || (review.get().untaggedPush() && options.untagged() == UntaggedPolicy.KEEP);
                if (kept) {
                    if (!options.dryRun()) {
                        records.dropManifestReview(id, review.get());
                    }
                    return;
                }
                manifests.add(manifest.repository() + "@" + manifest.digest());
                if (options.dryRun()) {
                    return;
                }
                List<String> layers = records.layerDigests(id);
                List<Long> children = records.childIds(id);
                List<Long> referrers = records.referrerIds(manifest.repositoryId(), manifest.digest());
                records.deleteManifest(id);
                Duration delay = properties.gc().reviewDelay();
                records.reviewLinks(manifest.repositoryId(), layers, delay);
                List<Long> orphans = new ArrayList<>(children);
                orphans.addAll(referrers);
                records.reviewManifests(orphans, delay, false);
            });
        }

        private void reviewLink(long repositoryId, String digest) {
            tx.executeWithoutResult(status -> {
                Optional<Review> review = records.claimLinkReview(repositoryId, digest, !options.dryRun());
                if (review.isEmpty() || !due(review.get())) {
                    return;
                }
                // A push share-locking the link may reference it: the review stays due for the next pass, which sees
                // what the push committed. Waiting here instead could close a deadlock (see GcRecords.lockLink).
                GcRecords.LinkLock link = records.lockLink(repositoryId, digest, !options.dryRun());
                if (link == GcRecords.LinkLock.BUSY) {
                    return;
                }
                if (link == GcRecords.LinkLock.ABSENT || records.isReferencedIn(repositoryId, digest)) {
                    if (!options.dryRun()) {
                        records.dropLinkReview(repositoryId, digest);
                    }
                    return;
                }
                links.add(records.repositoryName(repositoryId).orElse("#" + repositoryId) + "@" + digest);
                if (options.dryRun()) {
                    return;
                }
                records.dropLinkReview(repositoryId, digest);
                records.unlink(repositoryId, digest);
                // No delay: a blob no repository links cannot be referenced by a new push.
                records.reviewBlob(digest, Duration.ZERO);
                freedDigests.add(digest);
            });
        }

        private void reviewBlob(String digest) {
            tx.executeWithoutResult(outer -> {
                // Held until the object is gone: an upload of the same content waits, and then writes it anew.
                if (!options.dryRun() && !records.tryLockDigest(digest)) {
                    return;
                }
                BlobRecord deleted = separateTx.execute(inner -> {
                    Optional<Review> review = records.blobReview(digest);
                    if (review.isEmpty() || !due(review.get())) {
                        return null;
                    }
                    Optional<BlobRecord> blob = records.lockBlob(digest, !options.dryRun());
                    if (blob.isEmpty() || records.isBlobInUse(digest)) {
                        if (!options.dryRun()) {
                            records.dropBlobReview(digest, review.get());
                        }
                        return null;
                    }
                    if (!options.dryRun()) {
                        records.deleteBlob(blob.get());
                    }
                    return blob.get();
                });
                if (deleted == null) {
                    return;
                }
                blobs.add(digest);
                bytes += deleted.size();
                if (!options.dryRun()) {
                    // The row's deletion is committed (separateTx): only now may the object go.
                    deleteObject(deleted.storageKey(), 0);
                }
            });
        }

        void retryObjectDeletions() {
            for (ObjectDeletion pending : records.dueObjectDeletions(batch)) {
                guarded("object " + pending.storageKey(), () -> tx.executeWithoutResult(status -> {
                    if (!records.tryLockDigest(pending.digest()) || !records.lockObjectDeletion(pending.storageKey())) {
                        return;
                    }
                    if (records.isKeyInUse(pending.storageKey())) {
                        // A new upload of the same content recorded the same (content-addressed) key: keep it.
                        records.objectDeleted(pending.storageKey());
                        return;
                    }
                    deleteObject(pending.storageKey(), pending.attempts());
                }));
            }
        }

        private void deleteObject(String key, int attempts) {
            try {
                store.delete(key);
                records.objectDeleted(key);
            } catch (IOException | RuntimeException e) {
                deleteFailures++;
                StowageProperties.Gc gc = properties.gc();
                Duration wait = gc.retryDelay().multipliedBy(1L << Math.min(attempts, 20));
                if (wait.compareTo(gc.maxRetryDelay()) > 0) {
                    wait = gc.maxRetryDelay();
                }
                log.warn("Could not delete object {} (retrying in {}): {}", key, wait, e.toString());
                records.objectDeleteFailed(key, wait, e.toString());
            }
        }
    }
}
