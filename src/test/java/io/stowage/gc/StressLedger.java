package io.stowage.gc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the stress clients were told: every manifest acknowledged (201) with the tag it was pushed under, every tag and
 * manifest deletion acknowledged (202), counts of what they did, and every response that no registry should give.
 */
final class StressLedger {

    private static final int RECENT = 12;

    /** Manifests by digest, as acknowledged. */
    private final Map<String, StressManifest> manifests = new ConcurrentHashMap<>();
    /** {@code repository:tag} → digests some client pushed under that tag and saw acknowledged. */
    private final Map<String, Set<String>> tagged = new ConcurrentHashMap<>();
    /** repository → manifests acknowledged there (by tag or digest), to push again or delete. */
    private final Map<String, List<StressManifest>> byRepository = new ConcurrentHashMap<>();
    private final Set<String> deletedTags = ConcurrentHashMap.newKeySet();
    private final Set<String> deletedManifests = ConcurrentHashMap.newKeySet();
    private final Set<String> uploadedDigests = ConcurrentHashMap.newKeySet();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();

    final LongAdder pushes = new LongAdder();
    final LongAdder taggedPushes = new LongAdder();
    final LongAdder indexPushes = new LongAdder();
    final LongAdder rePushes = new LongAdder();
    final LongAdder signatures = new LongAdder();
    final LongAdder tagDeletes = new LongAdder();
    final LongAdder manifestDeletes = new LongAdder();
    final LongAdder deletesOfNothing = new LongAdder();
    final LongAdder deletesRefused = new LongAdder();
    final LongAdder blobRetries = new LongAdder();
    /** Pushes given up after the collector took what they referenced every time they supplied it. */
    final LongAdder starvedPushes = new LongAdder();
    final LongAdder monolithicUploads = new LongAdder();
    final LongAdder chunkedUploads = new LongAdder();
    final LongAdder mounts = new LongAdder();
    final LongAdder mountsRefused = new LongAdder();
    final LongAdder uploadsSkipped = new LongAdder();
    final LongAdder pulls = new LongAdder();
    final LongAdder pulledBlobs = new LongAdder();
    final LongAdder pullsOfCollected = new LongAdder();

    void acknowledged(String repository, String tag, StressManifest manifest) {
        manifests.put(manifest.digest(), manifest);
        byRepository.computeIfAbsent(repository, r -> Collections.synchronizedList(new ArrayList<>())).add(manifest);
        pushes.increment();
        if (tag != null) {
            tagged.computeIfAbsent(repository + ":" + tag, t -> ConcurrentHashMap.newKeySet()).add(manifest.digest());
            taggedPushes.increment();
        }
        if (manifest instanceof StressManifest.Index) {
            indexPushes.increment();
        }
    }

    void tagDeleted(String repository, String tag) {
        deletedTags.add(repository + ":" + tag);
        tagDeletes.increment();
    }

    void manifestDeleted(String repository, String digest) {
        deletedManifests.add(repository + "@" + digest);
        manifestDeletes.increment();
    }

    void uploaded(String digest) {
        uploadedDigests.add(digest);
    }

    /**
     * A manifest acknowledged in the repository, picked at random; mostly among the last few, which are likeliest to
     * be there still, or being collected right now.
     */
    Optional<StressManifest> anyAcknowledged(String repository, SplittableRandom random) {
        List<StressManifest> list = byRepository.get(repository);
        if (list == null) {
            return Optional.empty();
        }
        synchronized (list) {
            if (list.isEmpty()) {
                return Optional.empty();
            }
            int from = random.nextInt(4) == 0 ? 0 : Math.max(0, list.size() - RECENT);
            return Optional.of(list.get(from + random.nextInt(list.size() - from)));
        }
    }

    Optional<StressManifest> manifest(String digest) {
        return Optional.ofNullable(manifests.get(digest));
    }

    Set<String> acknowledgedUnder(String repository, String tag) {
        return tagged.getOrDefault(repository + ":" + tag, Set.of());
    }

    /** Whether some client saw the tag deleted, or a manifest that was acknowledged under it deleted by digest. */
    boolean tagRemovalAcknowledged(String repository, String tag) {
        return deletedTags.contains(repository + ":" + tag) || acknowledgedUnder(repository, tag).stream()
                .anyMatch(digest -> deletedManifests.contains(repository + "@" + digest));
    }

    int distinctUploads() {
        return uploadedDigests.size();
    }

    void fail(String failure) {
        failures.add(failure);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    boolean tooManyFailures() {
        return failures.size() > 50;
    }
}
