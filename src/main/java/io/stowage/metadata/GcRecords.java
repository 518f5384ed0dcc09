package io.stowage.metadata;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The garbage collector's queues ({@code gc_manifest_reviews}, {@code gc_link_reviews}, {@code gc_blob_reviews},
 * {@code gc_object_deletions}) and the re-checks it makes. Enqueueing keeps the later of two due times: the delay
 * protects pushes in flight, so no event may make a review due sooner than its own delay allows.
 */
@Repository
public class GcRecords {

    private static final String DUE = "now() + (? * interval '1 millisecond')";
    // Advisory lock key prefix of a repository's manifest reviews: shared by each review, exclusive by a deletion.
    private static final String REPOSITORY = "repository-gc:";

    private final JdbcClient jdbc;

    public GcRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A review as it was read. Every event that enqueues it again bumps its generation, and it is dropped only at
     * the generation read, so that dropping it never drops a later event's review of the same thing.
     */
    public record Review(long generation, boolean due, boolean untaggedPush) {
    }

    /** A manifest the collector may delete. */
    public record ManifestRow(long id, long repositoryId, String repository, String digest, String subjectDigest) {
    }

    /** An object whose delete in storage is pending. */
    public record ObjectDeletion(String storageKey, String digest, int attempts) {
    }

    // ---- enqueueing, in the transaction of the event

    public void reviewManifests(Collection<Long> manifestIds, Duration delay, boolean untaggedPush) {
        if (manifestIds.isEmpty()) {
            return;
        }
        jdbc.sql("""
                insert into gc_manifest_reviews (manifest_id, review_after, untagged_push)
                select id, %s, ? from unnest(?) as id order by id
                on conflict (manifest_id) do update
                set review_after = greatest(gc_manifest_reviews.review_after, excluded.review_after),
                    untagged_push = gc_manifest_reviews.untagged_push and excluded.untagged_push,
                    generation = gc_manifest_reviews.generation + 1""".formatted(DUE))
                .param(delay.toMillis()).param(untaggedPush).param(manifestIds.toArray(Long[]::new)).update();
    }

    public void reviewLinks(long repositoryId, Collection<String> digests, Duration delay) {
        if (digests.isEmpty()) {
            return;
        }
        jdbc.sql("""
                insert into gc_link_reviews (repository_id, digest, review_after)
                select ?, d, %s from unnest(?) as d order by d
                on conflict (repository_id, digest) do update
                set review_after = greatest(gc_link_reviews.review_after, excluded.review_after)""".formatted(DUE))
                .param(repositoryId).param(delay.toMillis()).param(digests.toArray(String[]::new)).update();
    }

    public void reviewBlob(String digest, Duration delay) {
        reviewBlobs(List.of(digest), delay);
    }

    /** {@link #reviewBlob} for many digests in one statement, in digest order. */
    public void reviewBlobs(Collection<String> digests, Duration delay) {
        if (digests.isEmpty()) {
            return;
        }
        jdbc.sql("""
                insert into gc_blob_reviews (digest, review_after)
                select d, %s from (select distinct d from unnest(?) as d) as distinct_digests order by d
                on conflict (digest) do update
                set review_after = greatest(gc_blob_reviews.review_after, excluded.review_after),
                    generation = gc_blob_reviews.generation + 1""".formatted(DUE))
                .param(delay.toMillis()).param(digests.toArray(String[]::new)).update();
    }

    /** Drops the repository's link reviews: for a repository being deleted, whose links go with it. */
    public void dropLinkReviews(long repositoryId) {
        jdbc.sql("delete from gc_link_reviews where repository_id = ?").param(repositoryId).update();
    }

    /**
     * Takes a shared lock on a digest until the transaction ends: held while an upload or mount makes the blob
     * visible, so that the collector (which takes it exclusively) never deletes an object that a new row points to.
     */
    public void lockDigestShared(String digest) {
        jdbc.sql("select pg_advisory_xact_lock_shared(hashtextextended(?, 0))").param("blob:" + digest)
                .query(Object.class).single();
    }

    /** The exclusive counterpart of {@link #lockDigestShared}, without waiting: false if someone holds it. */
    public boolean tryLockDigest(String digest) {
        return tryLock("blob:" + digest);
    }

    /**
     * Claims a manifest's review for this transaction, without waiting: false if another worker has it, if its
     * repository is being deleted ({@link #claimRepository}). A review whose manifest is gone is claimed too, to go.
     */
    public boolean tryLockManifest(long manifestId) {
        return jdbc.sql("""
                select pg_try_advisory_xact_lock_shared(hashtextextended(cast(? as text) || repository_id, 0))
                       and pg_try_advisory_xact_lock(hashtextextended(?, 0))
                from manifests where id = ?""")
                .param(REPOSITORY).param("manifest:" + manifestId).param(manifestId)
                .query(Boolean.class).optional()
                // Gone (deleted by digest or with its repository): the review is claimed, to be dropped.
                .orElseGet(() -> tryLock("manifest:" + manifestId));
    }

    /**
     * Takes the reviews of all the repository's manifests away from the collector until the transaction ends,
     * waiting for those in progress (which end without waiting for anything a repository deletion holds before
     * this). The collector's manifest reviews are the only part of it that locks the repository's row.
     */
    public void claimRepository(long repositoryId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(?, 0))").param(REPOSITORY + repositoryId)
                .query(Object.class).single();
    }

    private boolean tryLock(String key) {
        return jdbc.sql("select pg_try_advisory_xact_lock(hashtextextended(?, 0))").param(key)
                .query(Boolean.class).single();
    }

    // ---- due work; a null scope means everything (reviews of manifests deleted meanwhile only then)

    public List<Long> dueManifestReviews(int limit, boolean ignoreDelay, Long[] repositories) {
        return jdbc.sql("""
                select r.manifest_id from gc_manifest_reviews r left join manifests m on m.id = r.manifest_id
                where (? or r.review_after <= now()) and (not ? or m.repository_id = any(?))
                order by r.review_after limit ?""")
                .param(ignoreDelay).param(repositories != null).param(repositories == null ? new Long[0] : repositories).param(limit).query(Long.class).list();
    }

    /** Due link reviews as (repository id, digest). */
    public List<Object[]> dueLinkReviews(int limit, boolean ignoreDelay, Long[] repositories) {
        return jdbc.sql("""
                select repository_id, digest from gc_link_reviews
                where (? or review_after <= now()) and (not ? or repository_id = any(?))
                order by review_after limit ?""")
                .param(ignoreDelay).param(repositories != null).param(repositories == null ? new Long[0] : repositories).param(limit)
                .query((rs, row) -> new Object[] {rs.getLong(1), rs.getString(2)}).list();
    }

    public List<String> dueBlobReviews(int limit, boolean ignoreDelay, String[] digests) {
        return jdbc.sql("""
                select digest from gc_blob_reviews
                where (? or review_after <= now()) and (not ? or digest = any(?))
                order by review_after limit ?""")
                .param(ignoreDelay).param(digests != null).param(digests == null ? new String[0] : digests).param(limit).query(String.class).list();
    }

    public List<ObjectDeletion> dueObjectDeletions(int limit) {
        return jdbc.sql("""
                select storage_key, digest, attempts from gc_object_deletions where next_attempt_at <= now()
                order by next_attempt_at limit ?""").param(limit).query(ObjectDeletion.class).list();
    }

    // ---- reviews: read, then dropped only if no later event moved them

    public Optional<Review> manifestReview(long manifestId) {
        return jdbc.sql("select generation, review_after <= now(), untagged_push from gc_manifest_reviews where manifest_id = ?")
                .param(manifestId).query((rs, row) -> new Review(rs.getLong(1), rs.getBoolean(2),
                        rs.getBoolean(3))).optional();
    }

    public boolean dropManifestReview(long manifestId, Review seen) {
        return jdbc.sql("delete from gc_manifest_reviews where manifest_id = ? and generation = ?")
                .param(manifestId).param(seen.generation()).update() > 0;
    }

    /**
     * Claims a link's review for this transaction ({@code lock}), skipping it if another worker has it. Deleting a
     * manifest enqueues link reviews while a push may wait for it, so whoever holds this row must never wait for a
     * push: see {@link #lockLink}.
     */
    public Optional<Review> claimLinkReview(long repositoryId, String digest, boolean lock) {
        return jdbc.sql("select review_after <= now() from gc_link_reviews where repository_id = ? and digest = ?"
                        + (lock ? " for update skip locked" : ""))
                .param(repositoryId).param(digest).query((rs, row) -> new Review(0, rs.getBoolean(1), false))
                .optional();
    }

    public void dropLinkReview(long repositoryId, String digest) {
        jdbc.sql("delete from gc_link_reviews where repository_id = ? and digest = ?")
                .param(repositoryId).param(digest).update();
    }

    /** What {@link #lockLink} found. */
    public enum LinkLock {
        /** The repository links the blob, and the link is locked (or no lock was asked for). */
        LOCKED,
        /** A push holds the link: it is there, and will be referenced or not once the push ends. */
        BUSY,
        /** The repository does not link the blob. */
        ABSENT
    }

    /**
     * Whether the repository links the blob, locking the link ({@code lock}) unless a push holds it. Never waits: a
     * push may itself wait for a manifest deletion that waits for the link review this caller holds.
     */
    public LinkLock lockLink(long repositoryId, String digest, boolean lock) {
        if (jdbc.sql("select 1 from repository_blobs where repository_id = ? and digest = ?"
                        + (lock ? " for update skip locked" : ""))
                .param(repositoryId).param(digest).query(Integer.class).optional().isPresent()) {
            return LinkLock.LOCKED;
        }
        boolean exists = lock && jdbc.sql("select exists (select 1 from repository_blobs where repository_id = ?"
                        + " and digest = ?)").param(repositoryId).param(digest).query(Boolean.class).single();
        return exists ? LinkLock.BUSY : LinkLock.ABSENT;
    }

    /** Whether a manifest of the repository references the blob (as config or layer). */
    public boolean isReferencedIn(long repositoryId, String digest) {
        return jdbc.sql("""
                select exists (select 1 from manifest_layers l join manifests m on m.id = l.manifest_id
                               where m.repository_id = ? and l.digest = ?)""")
                .param(repositoryId).param(digest).query(Boolean.class).single();
    }

    public void unlink(long repositoryId, String digest) {
        jdbc.sql("delete from repository_blobs where repository_id = ? and digest = ?")
                .param(repositoryId).param(digest).update();
    }

    public Optional<Review> blobReview(String digest) {
        return jdbc.sql("select generation, review_after <= now() from gc_blob_reviews where digest = ?")
                .param(digest).query((rs, row) -> new Review(rs.getLong(1), rs.getBoolean(2), false)).optional();
    }

    public boolean dropBlobReview(String digest, Review seen) {
        return jdbc.sql("delete from gc_blob_reviews where digest = ? and generation = ?")
                .param(digest).param(seen.generation()).update() > 0;
    }

    // ---- manifests

    /** The manifest, locked against pushes that reference it ({@code lock}), if it still exists. */
    public Optional<ManifestRow> manifest(long manifestId, boolean lock) {
        return jdbc.sql("""
                select m.id, m.repository_id, r.name as repository, m.digest, m.subject_digest
                from manifests m join repositories r on r.id = m.repository_id where m.id = ?"""
                        + (lock ? " for update of m" : ""))
                .param(manifestId).query(ManifestRow.class).optional();
    }

    /**
     * Whether the manifest must stay whatever the policy: it is tagged, on legal hold, an index lists it, or its
     * subject (it is a referrer: signature, SBOM) is present in its repository.
     */
    public boolean isKept(ManifestRow manifest) {
        return jdbc.sql("""
                select exists (select 1 from tags where manifest_id = ?)
                    or exists (select 1 from holds where manifest_id = ?)
                    or exists (select 1 from manifest_references where child_id = ?)
                    or (cast(? as text) is not null
                        and exists (select 1 from manifests where repository_id = ? and digest = ?))""")
                .param(manifest.id()).param(manifest.id()).param(manifest.id()).param(manifest.subjectDigest())
                .param(manifest.repositoryId()).param(manifest.subjectDigest()).query(Boolean.class).single();
    }

    /** Deletes the manifest and its review (which no foreign key cascades: queueing one must not lock the row). */
    public void deleteManifest(long manifestId) {
        jdbc.sql("delete from manifests where id = ?").param(manifestId).update();
        jdbc.sql("delete from gc_manifest_reviews where manifest_id = ?").param(manifestId).update();
    }

    /** Blobs (config and layers) the manifest references. */
    public List<String> layerDigests(long manifestId) {
        return jdbc.sql("select distinct digest from manifest_layers where manifest_id = ?")
                .param(manifestId).query(String.class).list();
    }

    public List<Long> childIds(long manifestId) {
        return jdbc.sql("select child_id from manifest_references where parent_id = ?")
                .param(manifestId).query(Long.class).list();
    }

    /** Manifests of the repository whose subject is {@code digest}. */
    public List<Long> referrerIds(long repositoryId, String digest) {
        return jdbc.sql("select id from manifests where repository_id = ? and subject_digest = ?")
                .param(repositoryId).param(digest).query(Long.class).list();
    }

    // ---- links and blobs

    public Optional<String> repositoryName(long repositoryId) {
        return jdbc.sql("select name from repositories where id = ?").param(repositoryId).query(String.class).optional();
    }

    /** The blob's storage key and size, locked against manifest pushes (which share-lock it), if it exists. */
    public Optional<BlobRecord> lockBlob(String digest, boolean lock) {
        return jdbc.sql("select digest, size, storage_key from blobs where digest = ?" + (lock ? " for update" : ""))
                .param(digest).query(BlobRecord.class).optional();
    }

    /** Whether any repository links the blob, any manifest references it, or a request in progress pins it. */
    public boolean isBlobInUse(String digest) {
        return jdbc.sql("""
                select exists (select 1 from repository_blobs where digest = ?)
                    or exists (select 1 from manifest_layers where digest = ?)
                    or exists (select 1 from gc_blob_pins where digest = ? and pinned_until > now())""")
                .param(digest).param(digest).param(digest).query(Boolean.class).single();
    }

    // ---- pins: a blob a request in progress is about to link

    public void pin(UUID id, String digest, Duration lifetime) {
        jdbc.sql("insert into gc_blob_pins (id, digest, pinned_until) values (?, ?, %s)".formatted(DUE))
                .param(id).param(digest).param(lifetime.toMillis()).update();
    }

    public void unpin(UUID id) {
        jdbc.sql("delete from gc_blob_pins where id = ?").param(id).update();
    }

    /** Deletes expired pins (their requests died with a node); the digests they pinned, to be reviewed. */
    public List<String> deleteExpiredPins() {
        return jdbc.sql("delete from gc_blob_pins where pinned_until <= now() returning digest")
                .query(String.class).list();
    }

    /** Deletes the blob's row and records its object for deletion, in one transaction. */
    public void deleteBlob(BlobRecord blob) {
        jdbc.sql("delete from blobs where digest = ?").param(blob.digest()).update();
        jdbc.sql("""
                insert into gc_object_deletions (storage_key, digest) values (?, ?)
                on conflict (storage_key) do nothing""").param(blob.storageKey()).param(blob.digest()).update();
    }

    /** Whether a blob row uses the key (a new upload of the same content may have recreated it). */
    public boolean isKeyInUse(String storageKey) {
        return jdbc.sql("select exists (select 1 from blobs where storage_key = ?)").param(storageKey)
                .query(Boolean.class).single();
    }

    /** Locks a pending deletion for this transaction, without waiting; false if gone or another worker has it. */
    public boolean lockObjectDeletion(String storageKey) {
        return jdbc.sql("select 1 from gc_object_deletions where storage_key = ? for update skip locked")
                .param(storageKey).query(Integer.class).optional().isPresent();
    }

    public void objectDeleted(String storageKey) {
        jdbc.sql("delete from gc_object_deletions where storage_key = ?").param(storageKey).update();
    }

    public void objectDeleteFailed(String storageKey, Duration retryAfter, String error) {
        jdbc.sql("""
                update gc_object_deletions set attempts = attempts + 1, next_attempt_at = %s, last_error = ?
                where storage_key = ?""".formatted(DUE))
                .param(retryAfter.toMillis()).param(error).param(storageKey).update();
    }

    /** How much work is queued: reviews of each kind (due or not), and objects whose delete waits for a retry. */
    public record Queued(long manifestReviews, long linkReviews, long blobReviews, long objectDeletions) {
    }

    public Queued queued() {
        return jdbc.sql("""
                select (select count(*) from gc_manifest_reviews), (select count(*) from gc_link_reviews),
                       (select count(*) from gc_blob_reviews), (select count(*) from gc_object_deletions)""")
                .query((rs, row) -> new Queued(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).single();
    }
}
