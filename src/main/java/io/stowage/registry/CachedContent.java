package io.stowage.registry;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.stowage.config.StowageProperties;
import io.stowage.metadata.BlobRecord;
import io.stowage.metadata.BlobRecords;
import io.stowage.metadata.CacheRecords;
import io.stowage.metadata.GcRecords;
import io.stowage.metadata.ManifestRecords;
import io.stowage.metadata.NewManifest;
import io.stowage.metadata.TagRecords;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Content of the pull-through cache as the registry records it: manifests and blobs an upstream served, stored in
 * ordinary repositories (marked as caches of that upstream) so that everything else — pulls, the catalog, access
 * rules, storage accounting, the collector — treats them as any other content. Unlike a push, a cached manifest is
 * recorded before what it references is here: an image's layers arrive as clients pull them, an index's children as
 * clients ask for them. Knows nothing of upstreams beyond their names; the proxy fetches, this records.
 */
@Service
public class CachedContent {

    private final ManifestParser parser;
    private final ManifestRecords manifests;
    private final ManifestService manifestService;
    private final TagRecords tags;
    private final BlobRecords blobs;
    private final CacheRecords cache;
    private final RepositoryService repositories;
    private final UploadService uploads;
    private final GcRecords gc;
    private final StowageProperties properties;
    private final TransactionTemplate tx;
    private final JsonMapper json = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    public CachedContent(ManifestParser parser, ManifestRecords manifests, ManifestService manifestService,
                         TagRecords tags, BlobRecords blobs, CacheRecords cache, RepositoryService repositories,
                         UploadService uploads, GcRecords gc, StowageProperties properties, TransactionTemplate tx) {
        this.parser = parser;
        this.manifests = manifests;
        this.manifestService = manifestService;
        this.tags = tags;
        this.blobs = blobs;
        this.cache = cache;
        this.repositories = repositories;
        this.uploads = uploads;
        this.gc = gc;
        this.properties = properties;
        this.tx = tx;
    }

    /** A cached tag: the digest it points to, and when the upstream last confirmed it (null: never). */
    public record CachedTag(Digest digest, Instant checkedAt) {
    }

    public Optional<CachedTag> tag(String repository, String tag) {
        RepositoryName.validate(repository);
        return cache.tag(repository, tag).map(t -> new CachedTag(Digest.parse(t.digest()), t.checkedAt()));
    }

    public boolean hasManifest(String repository, Digest digest) {
        return cache.manifestId(repository, digest.toString()).isPresent();
    }

    /**
     * Records a manifest the upstream served (its bytes already checked against {@code digest}) and, when
     * {@code tag} is not null, points the tag at it as confirmed now. Idempotent: the same manifest again only moves
     * or confirms the tag. {@code MANIFEST_INVALID} when the upstream's bytes are no manifest Stowage accepts.
     */
    @Transactional
    public void storeManifest(String repository, String upstream, Digest digest, String mediaType, byte[] payload,
                              String tag) {
        RepositoryName.validate(repository);
        ParsedManifest manifest;
        try {
            manifest = parser.parse(payload, mediaType);
        } catch (RegistryException e) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, 502, "upstream " + upstream
                    + " served a manifest Stowage cannot use: " + e.getMessage(), null);
        }
        long repositoryId = repositories.getOrCreateForCache(repository, upstream);
        long totalSize = payload.length;
        List<NewManifest.Layer> layers = new ArrayList<>();
        List<Long> childIds = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        if (manifest.isIndex()) {
            Map<String, long[]> present = manifests.lockExisting(repositoryId,
                    manifest.manifests().stream().map(d -> d.digest().toString()).toList());
            for (Descriptor child : manifest.manifests()) {
                long[] found = present.get(child.digest().toString());
                if (found == null) {
                    pending.add(child.digest().toString());
                } else {
                    childIds.add(found[0]);
                }
                totalSize += child.size();
            }
        } else {
            for (Descriptor blob : manifest.blobs()) {
                if (!blob.isForeign()) {
                    layers.add(new NewManifest.Layer(blob.digest().toString(), blob.size(), blob.mediaType()));
                    totalSize += blob.size();
                }
            }
        }
        long manifestId = manifests.insert(new NewManifest(
                repositoryId, digest.toString(), manifest.mediaType(), manifest.effectiveArtifactType(), payload,
                manifest.config() == null ? null : manifest.config().digest().toString(),
                manifest.subject() == null ? null : manifest.subject().digest().toString(),
                manifest.annotations() == null ? null : json.writeValueAsString(manifest.annotations()),
                totalSize, manifestService.platforms(repository, manifest), layers, childIds));
        cache.addPendingChildren(manifestId, pending);
        cache.adoptChild(repositoryId, digest.toString(), manifestId);
        if (tag != null) {
            Set<Long> untagged = new LinkedHashSet<>();
            tags.put(repositoryId, Tags.validate(tag), manifestId).ifPresent(untagged::add);
            cache.confirm(repositoryId, tag);
            // The manifest the tag pointed to before goes unless something else keeps it, as after a push.
            gc.reviewManifests(untagged, properties.gc().reviewDelay(), false);
        }
    }

    /**
     * Points a cached tag at a manifest the repository holds already (the tag moved upstream to content cached
     * before), as confirmed now; false if the manifest is gone meanwhile, and must be fetched.
     */
    @Transactional
    public boolean retag(String repository, String upstream, String tag, Digest digest) {
        long repositoryId = repositories.getOrCreateForCache(repository, upstream);
        Map<String, long[]> present = manifests.lockExisting(repositoryId, List.of(digest.toString()));
        long[] found = present.get(digest.toString());
        if (found == null) {
            return false;
        }
        tags.put(repositoryId, Tags.validate(tag), found[0]).ifPresent(previous ->
                gc.reviewManifests(List.of(previous), properties.gc().reviewDelay(), false));
        cache.confirm(repositoryId, tag);
        return true;
    }

    /** Records that the upstream confirmed the tag, which still points where the cache has it. */
    @Transactional
    public void confirmTag(String repository, String tag) {
        cache.confirm(repositories.requireIdForWrite(repository), tag);
    }

    /** Whether the repository serves the blob now. */
    public boolean isLinked(String repository, Digest digest) {
        return blobs.findInRepository(repository, digest.toString()).isPresent();
    }

    /**
     * Whether a manifest the repository holds lists the blob: then the upstream vouched for it, and bytes of that
     * digest stored for any other repository may be served there. A digest no manifest of the repository lists must
     * come from the upstream itself, or a cached repository would serve any blob stored here to whoever asks.
     */
    public boolean isListed(String repository, Digest digest) {
        return cache.isListed(repository, digest.toString());
    }

    /**
     * Links a blob stored already (pushed elsewhere, or cached for another repository) into the cached repository,
     * without fetching it again; empty when it is not stored.
     */
    public Optional<BlobRecord> linkStored(String repository, String upstream, Digest digest) {
        if (blobs.find(digest.toString()).isEmpty()) {
            return Optional.empty();
        }
        return tx.execute(status -> {
            long repositoryId = repositories.getOrCreateForCache(repository, upstream);
            gc.lockDigestShared(digest.toString());
            // The collector may have removed it since the look above.
            Optional<BlobRecord> blob = blobs.find(digest.toString());
            if (blob.isPresent()) {
                gc.reviewLinks(repositoryId, List.of(digest.toString()), properties.gc().reviewDelay());
                blobs.link(repositoryId, digest.toString());
            }
            return blob;
        });
    }

    /**
     * Stores a blob the upstream serves (read from {@code body}, verified against its digest and, when the upstream
     * announced one, its size).
     */
    public BlobRecord storeBlob(String repository, String upstream, Digest digest, Long size, InputStream body) {
        return uploads.storeFetched(repository, upstream, digest, size, body);
    }

    /**
     * Untags cached images neither pulled nor fetched for {@code unusedFor}, and hands them and untagged ones as old
     * to the collector (which deletes them, their layers' links and the blobs no other repository holds after its
     * review delay); pushed repositories are never looked at. How many tags and manifests were released.
     */
    public int evict(Duration unusedFor, int batch) {
        Instant before = Instant.now().minus(unusedFor);
        int released = 0;
        for (var stale : cache.unusedTags(before, batch)) {
            Boolean done = tx.execute(status -> {
                repositories.holdForWrite(stale.repository());
                return tags.delete(stale.repositoryId(), stale.tag()).map(untagged -> {
                    gc.reviewManifests(List.of(untagged.manifestId()), properties.gc().reviewDelay(), false);
                    return true;
                }).orElse(false);
            });
            released += Boolean.TRUE.equals(done) ? 1 : 0;
        }
        List<Long> untagged = cache.unusedUntaggedManifests(before, batch);
        if (!untagged.isEmpty()) {
            tx.executeWithoutResult(status ->
                    gc.reviewManifests(untagged, properties.gc().reviewDelay(), false));
            released += untagged.size();
        }
        return released;
    }
}
