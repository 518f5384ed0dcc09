package io.stowage.registry;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.stowage.config.StowageProperties;
import io.stowage.metadata.BlobRecords;
import io.stowage.metadata.GcRecords;
import io.stowage.metadata.ManifestRecord;
import io.stowage.metadata.ManifestRecords;
import io.stowage.metadata.NewManifest;
import io.stowage.metadata.RepositoryRecords;
import io.stowage.metadata.TagRecords;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Pushing, reading and deleting manifests, with every reference they make checked. */
@Service
public class ManifestService {

    /** The largest config read at push for its platform; real configs are a few KiB. */
    private static final long PLATFORM_CONFIG_BYTES = 64 * 1024;

    private final ManifestParser parser;
    private final ManifestRecords manifests;
    private final BlobRecords blobs;
    private final TagRecords tags;
    private final RepositoryRecords repositoryRecords;
    private final RepositoryService repositories;
    private final BlobService blobService;
    private final StowageProperties properties;
    private final ManifestPayloadCache payloads;
    private final GcRecords gc;
    private final ReleaseProtection protection;
    // Pure ASCII out: the annotations column then holds any string the spec allows, U+0000 included.
    private final JsonMapper json = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    public ManifestService(ManifestParser parser, ManifestRecords manifests, BlobRecords blobs, TagRecords tags,
                           RepositoryRecords repositoryRecords, RepositoryService repositories,
                           BlobService blobService, StowageProperties properties, ManifestPayloadCache payloads,
                           GcRecords gc, ReleaseProtection protection) {
        this.parser = parser;
        this.manifests = manifests;
        this.blobs = blobs;
        this.tags = tags;
        this.repositoryRecords = repositoryRecords;
        this.repositories = repositories;
        this.blobService = blobService;
        this.properties = properties;
        this.payloads = payloads;
        this.gc = gc;
        this.protection = protection;
    }

    /**
     * The outcome of a push.
     *
     * @param digest the manifest's digest
     * @param subject the digest of its subject, if it has one
     * @param tags the tags now pointing at it ({@code ?tag=} parameters included)
     */
    public record PushResult(Digest digest, Digest subject, List<String> tags) {
    }

    /** Stores a manifest under a tag or digest, after checking that everything it references is here. */
    @Transactional
    public PushResult put(String repository, String reference, String contentType, byte[] payload,
                          List<String> extraTags) {
        repositories.requirePushable(repository);
        Reference ref = Reference.parse(reference);
        Set<String> tagNames = new LinkedHashSet<>();
        if (!ref.isDigest()) {
            tagNames.add(ref.tag());
        }
        for (String tag : extraTags) {
            tagNames.add(Tags.validate(tag));
        }
        long limit = properties.registry().maxManifestSize().toBytes();
        if (payload.length > limit) {
            throw tooLarge(limit);
        }
        Digest digest = Digest.compute(ref.isDigest() ? ref.digest().algorithm() : "sha256", payload);
        if (ref.isDigest() && !digest.equals(ref.digest())) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID,
                    "manifest has digest " + digest + ", not " + ref.digest());
        }
        ParsedManifest manifest = parser.parse(payload, contentType);

        long repositoryId = repositories.getOrCreateForWrite(repository);
        long totalSize = payload.length;
        List<NewManifest.Layer> layers = new ArrayList<>();
        List<Long> childIds = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (manifest.isIndex()) {
            Map<String, long[]> children = manifests.lockExisting(repositoryId,
                    manifest.manifests().stream().map(d -> d.digest().toString()).toList());
            for (Descriptor child : manifest.manifests()) {
                long[] found = children.get(child.digest().toString());
                if (found == null) {
                    missing.add(child.digest().toString());
                    continue;
                }
                requireSize(child, found[1]);
                childIds.add(found[0]);
                totalSize += found[1];
            }
        } else {
            List<Descriptor> referenced = manifest.blobs();
            Map<String, Long> sizes = blobs.lockLinked(repositoryId,
                    referenced.stream().map(d -> d.digest().toString()).toList());
            for (Descriptor blob : referenced) {
                Long size = sizes.get(blob.digest().toString());
                if (size == null) {
                    if (!blob.isForeign()) {
                        missing.add(blob.digest().toString());
                    }
                    continue;
                }
                requireSize(blob, size);
                layers.add(new NewManifest.Layer(blob.digest().toString(), size, blob.mediaType()));
                totalSize += size;
            }
        }
        if (!missing.isEmpty()) {
            throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, ErrorCode.MANIFEST_BLOB_UNKNOWN.status(),
                    "manifest references content unknown to " + repository + ": " + String.join(", ", missing),
                    Map.of("digest", missing.getFirst(), "missing", missing));
        }
        long manifestId = manifests.insert(new NewManifest(
                repositoryId, digest.toString(), manifest.mediaType(), manifest.effectiveArtifactType(), payload,
                manifest.config() == null ? null : manifest.config().digest().toString(),
                manifest.subject() == null ? null : manifest.subject().digest().toString(),
                manifest.annotations() == null ? null : json.writeValueAsString(manifest.annotations()),
                totalSize, platforms(repository, manifest), layers, childIds));
        Duration delay = properties.gc().reviewDelay();
        Set<Long> untagged = new LinkedHashSet<>();
        for (String tag : tagNames) {
            Optional<Long> moved = tags.put(repositoryId, tag, manifestId);
            if (moved.isPresent()) {
                // The tag row is locked: a concurrent push of the tag waits, then finds it moved by this one.
                protection.requireMovable(repository, repositoryId, tag);
                untagged.add(moved.get());
            }
        }
        // Whatever a moved tag pointed to may now be unreferenced; the collector re-checks after the delay.
        gc.reviewManifests(untagged, delay, false);
        if (tagNames.isEmpty()) {
            // stowage.gc.untagged decides at review time, so that changing it applies to what is queued.
            gc.reviewManifests(List.of(manifestId), delay, true);
        }
        repositoryRecords.markPushed(repositoryId);
        return new PushResult(digest, manifest.subject() == null ? null : manifest.subject().digest(),
                List.copyOf(tagNames));
    }

    /**
     * A manifest by tag or digest; {@code withPayload} false reads only its size (HEAD). A reference that is no valid
     * tag or digest names nothing: {@code MANIFEST_UNKNOWN}, like any other reference not found.
     */
    public ManifestRecord get(String repository, String reference, boolean withPayload) {
        RepositoryName.validate(repository);
        Optional<Reference> ref = Reference.lookup(reference);
        // One indexed query says whether the repository holds it; the bytes mostly come from memory.
        var found = ref.flatMap(r -> r.isDigest()
                ? manifests.findByDigest(repository, r.digest().toString())
                : manifests.findByTag(repository, r.tag()));
        ManifestRecord manifest = found.orElseThrow(() -> notFound(repository, reference));
        if (!withPayload) {
            return manifest;
        }
        byte[] payload = payloads.get(manifest.digest());
        if (payload == null) {
            payload = manifests.payload(manifest.id()).orElseThrow(() -> notFound(repository, reference));
            payloads.put(manifest.digest(), payload);
        }
        return new ManifestRecord(manifest.id(), manifest.digest(), manifest.mediaType(), payload, manifest.size());
    }

    /**
     * Deletes a tag (the manifest stays), or a manifest by digest together with the tags pointing at it.
     * A manifest an index of the repository still lists is refused: deleting it would break the index.
     */
    @Transactional
    public void delete(String repository, String reference) {
        blobService.requireDeletion();
        RepositoryName.validate(repository);
        Reference ref = Reference.lookup(reference).orElseThrow(() -> notFound(repository, reference));
        if (!ref.isDigest()) {
            deleteTag(repository, ref.tag(), null);
            return;
        }
        long repositoryId = repositories.requireIdForWrite(repository);
        long manifestId = manifests.lockForDeletion(repositoryId, ref.digest().toString())
                .orElseThrow(() -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: " + ref));
        List<String> parents = manifests.parentDigests(manifestId);
        if (!parents.isEmpty()) {
            throw new RegistryException(ErrorCode.DENIED, 409, "manifest " + ref + " is listed by index "
                    + String.join(", ", parents) + "; delete the index first", Map.of("parents", parents));
        }
        protection.requireManifestDeletable(repository, repositoryId, manifestId);
        // What it referenced may be orphaned now: its blobs' links, the children of an index, and its referrers,
        // which go when their subject goes.
        Duration delay = properties.gc().reviewDelay();
        gc.reviewLinks(repositoryId, gc.layerDigests(manifestId), delay);
        List<Long> orphans = new ArrayList<>(gc.childIds(manifestId));
        orphans.addAll(gc.referrerIds(repositoryId, ref.digest().toString()));
        manifests.delete(manifestId);
        gc.reviewManifests(orphans, delay, false);
    }

    /**
     * A deleted tag: the digest it pointed to, and the immutability rule an override let it past (null: none).
     */
    public record DeletedTag(String digest, String overriddenRule) {
    }

    /**
     * Deletes a tag; the manifest stays, reviewed by the collector after the delay. {@code NAME_UNKNOWN} or
     * {@code MANIFEST_UNKNOWN} when there is no such repository or tag; {@code DENIED} when it is on hold, or
     * immutable without an {@code override}.
     */
    @Transactional
    public DeletedTag deleteTag(String repository, String tag, ReleaseProtection.Exemption override) {
        blobService.requireDeletion();
        Tags.validate(tag);
        long repositoryId = repositories.requireIdForWrite(repository);
        if (!tags.lock(repositoryId, tag)) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "tag unknown: " + tag);
        }
        String overridden = protection.requireTagDeletable(repository, repositoryId, tag, override);
        TagRecords.Untagged untagged = tags.delete(repositoryId, tag).orElseThrow(() ->
                new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "tag unknown: " + tag));
        gc.reviewManifests(List.of(untagged.manifestId()), properties.gc().reviewDelay(), false);
        return new DeletedTag(untagged.digest(), overridden);
    }

    /**
     * The platforms the tag table shows: an index's entries', or an image config's, read from storage when it is a
     * small image config. Null when unknown; reading never fails the push.
     */
    String platforms(String repository, ParsedManifest manifest) {
        if (manifest.isIndex()) {
            return Platforms.summary(manifest.manifests());
        }
        Descriptor config = manifest.config();
        if (config == null || !Platforms.isImageConfig(config.mediaType()) || config.size() > PLATFORM_CONFIG_BYTES) {
            return null;
        }
        try {
            byte[] bytes = blobService.readSmall(repository, config.digest(), PLATFORM_CONFIG_BYTES).orElse(null);
            JsonNode parsed = bytes == null ? null : json.readTree(bytes);
            String platform = parsed != null && parsed.isObject() ? Platforms.of(parsed) : "";
            return platform.isEmpty() ? null : platform;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable storage or not JSON: the image is still pushed, its platform unknown
        }
    }

    /** {@code NAME_UNKNOWN} without the repository, else {@code MANIFEST_UNKNOWN}. */
    private RegistryException notFound(String repository, String reference) {
        if (!repositories.exists(repository)) {
            return RepositoryService.unknown(repository);
        }
        String shown = reference.length() > 80 ? reference.substring(0, 80) + "…" : reference;
        return new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: " + shown);
    }

    private static void requireSize(Descriptor descriptor, long actual) {
        if (descriptor.size() != actual) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "descriptor " + descriptor.digest()
                    + " gives size " + descriptor.size() + " but the content has " + actual + " bytes");
        }
    }

    static RegistryException tooLarge(long limit) {
        return new RegistryException(ErrorCode.MANIFEST_INVALID, 413,
                "manifest exceeds the limit of " + limit + " bytes", Map.of("limit", limit));
    }
}
