package io.stowage.registry;

import java.util.List;
import java.util.Optional;

import io.stowage.config.StowageProperties;
import io.stowage.metadata.BlobRecords;
import io.stowage.metadata.GcRecords;
import io.stowage.metadata.ManifestRecords;
import io.stowage.metadata.RepositoryRecords;
import io.stowage.metadata.TagRecords;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes a repository with its tags, manifests, blob links, settings and upload sessions, in one transaction. The
 * blobs themselves are global: each one it used is reviewed by the garbage collector after the delay, which deletes
 * those no other repository links or references.
 */
@Service
public class RepositoryDeletion {

    private final RepositoryRecords repositories;
    private final TagRecords tags;
    private final ManifestRecords manifests;
    private final BlobRecords blobs;
    private final GcRecords gc;
    private final BlobService blobService;
    private final StowageProperties properties;
    private final ReleaseProtection protection;

    public RepositoryDeletion(RepositoryRecords repositories, TagRecords tags, ManifestRecords manifests,
                              BlobRecords blobs, GcRecords gc, BlobService blobService, StowageProperties properties,
                              ReleaseProtection protection) {
        this.repositories = repositories;
        this.tags = tags;
        this.manifests = manifests;
        this.blobs = blobs;
        this.gc = gc;
        this.blobService = blobService;
        this.properties = properties;
        this.protection = protection;
    }

    /**
     * What went with a repository.
     *
     * @param tags its tags
     * @param manifests its manifests
     * @param blobs the blobs it linked or referenced, now reviewed by the collector
     * @param immutableTags the tags immutability rules covered, deleted by an override
     */
    public record Deleted(int tags, int manifests, int blobs, int immutableTags) {
    }

    /**
     * Deletes the repository; empty if there is none of that name. {@code DENIED} while it holds anything on legal
     * hold, and when immutability rules cover some of its tags unless an {@code override} says so.
     */
    @Transactional
    public Optional<Deleted> delete(String name, ReleaseProtection.Exemption override) {
        blobService.requireDeletion();
        RepositoryName.validate(name);
        // Lock order, each step waiting only for transactions that wait for nothing this one holds:
        // 1. The name, exclusively. Every change to a repository (pushes, uploads, mounts, deletes, settings) holds it
        //    shared from the start of its transaction (RepositoryService.*ForWrite), before any row lock, so this
        //    waits for those in progress, which then commit whole and are deleted below, and holds back new ones.
        //    Once this commits, those see the repository gone: a push creates it anew, an upload session finds
        //    itself unknown, a manifest finds its blobs unknown (4xx); none writes a row pointing to the old id.
        // 2. The collector's reviews of the repository's manifests, which lock a manifest row and then (to queue
        //    its links' reviews) the repository row; a review in progress holds nothing taken in 1, so it ends.
        // 3. The repository row, for update: nothing left holds a lock on it, and anything missed above that
        //    would write a row pointing to it waits, then fails instead of leaving a half-deleted repository.
        // 4. Its rows, tags and manifests before blob links: the collector's link review locks its queue row, then
        //    the link, then the blob's review, so link reviews go before links, and blob reviews come last.
        repositories.lockNameExclusive(name);
        Optional<Long> found = repositories.findId(name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        long id = found.get();
        gc.claimRepository(id);
        if (!repositories.lockForDeletion(id)) {
            return Optional.empty();
        }
        int immutable = protection.requireRepositoryDeletable(name, id, override);
        List<String> digests = blobs.digestsUsedBy(id);
        int tagCount = tags.deleteAll(id);
        int manifestCount = manifests.deleteAll(id);
        gc.dropLinkReviews(id);
        blobs.unlinkAll(id);
        gc.reviewBlobs(digests, properties.gc().reviewDelay());
        repositories.delete(id);
        return Optional.of(new Deleted(tagCount, manifestCount, digests.size(), immutable));
    }
}
