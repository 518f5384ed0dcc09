package io.stowage.gc;

import static io.stowage.distribution.RegistryClient.OCI_INDEX;
import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import io.stowage.distribution.RegistryClient;
import tools.jackson.databind.JsonNode;

/**
 * One client of the GC stress test: pushes images that share layers (uploading monolithically, in chunks or by
 * mounting), indexes over them and signatures of them, pushes earlier manifests again, deletes tags and manifests
 * and pulls, over real HTTP.
 *
 * <p>With a review delay of 0 the collector may take an uploaded blob (or a manifest pushed by digest) before the
 * manifest that references it arrives; the registry then answers 400 MANIFEST_BLOB_UNKNOWN, and the client uploads
 * what is missing and tries again, as a real client would. Any other answer that a correct registry would not give
 * is recorded as a failure in the ledger.
 */
final class StressClient implements Runnable {

    // Where a client gives up on one push. A collector at delay 0 that never runs out of reviews can outrun a client
    // that many times in a row (an index's child, pushed by digest, gone 3 ms after its 201, 50 times in 13 s on CI):
    // that is the delay, not a fault, so it is counted (StressLedger.starvedPushes), not failed. A registry that
    // cannot take pushes at all fails the run's totals instead (GcStressIT).
    private static final int MAX_ATTEMPTS = 50;

    private final int id;
    private final RegistryClient registry;
    private final StressLedger ledger;
    private final List<StressBlob> sharedLayers;
    private final List<String> repositories;
    private final List<String> tags;
    private final BooleanSupplier running;
    private final SplittableRandom random;

    StressClient(int id, RegistryClient registry, StressLedger ledger, List<StressBlob> sharedLayers,
                 List<String> repositories, List<String> tags, BooleanSupplier running, long seed) {
        this.id = id;
        this.registry = registry;
        this.ledger = ledger;
        this.sharedLayers = sharedLayers;
        this.repositories = repositories;
        this.tags = tags;
        this.running = running;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void run() {
        while (running.getAsBoolean() && !ledger.tooManyFailures()) {
            String repository = pick(repositories);
            String tag = pick(tags);
            int roll = random.nextInt(100);
            try {
                if (roll < 38) {
                    push(repository, tag, newImage());
                } else if (roll < 48) {
                    pushIndex(repository, tag);
                } else if (roll < 53) {
                    pushSignature(repository);
                } else if (roll < 62) {
                    pushAgain(repository, tag);
                } else if (roll < 75) {
                    deleteTag(repository, tag);
                } else if (roll < 84) {
                    deleteManifest(repository);
                } else {
                    pull(repository, tag);
                }
            } catch (RuntimeException | AssertionError e) {
                ledger.fail("client " + id + ": " + e);
            }
        }
    }

    // ---------------------------------------------------------------- operations

    private void pushIndex(String repository, String tag) {
        List<StressManifest.Image> children = List.of(newImage(), newImage());
        for (StressManifest.Image child : children) {
            if (!push(repository, null, child)) {
                return;
            }
        }
        put(repository, tag, StressManifest.Index.of(children));
    }

    /** Signs an image of the repository: a referrer, pushed by digest, that stays as long as its subject. */
    private void pushSignature(String repository) {
        for (int i = 0; i < 3; i++) {
            var subject = ledger.anyAcknowledged(repository, random);
            if (subject.isPresent() && subject.get() instanceof StressManifest.Image image && image.subject() == null) {
                ledger.signatures.increment();
                push(repository, null, StressManifest.Image.signatureOf(image,
                        StressBlob.layer(random.nextLong(), 64 + random.nextInt(448))));
                return;
            }
        }
    }

    /** Pushes a manifest some client pushed before (maybe collected since) under a tag, as a re-tag or a rollback. */
    private void pushAgain(String repository, String tag) {
        var earlier = ledger.anyAcknowledged(repository, random);
        if (earlier.isEmpty()) {
            push(repository, tag, newImage());
            return;
        }
        ledger.rePushes.increment();
        put(repository, tag, earlier.get());
    }

    private void deleteTag(String repository, String tag) {
        HttpResponse<String> response = registry.delete("/v2/" + repository + "/manifests/" + tag);
        switch (response.statusCode()) {
            case 202 -> ledger.tagDeleted(repository, tag);
            case 404 -> expectCode(response, "delete tag " + repository + ":" + tag, "MANIFEST_UNKNOWN", "NAME_UNKNOWN");
            default -> unexpected("delete tag " + repository + ":" + tag, response);
        }
    }

    private void deleteManifest(String repository) {
        var victim = ledger.anyAcknowledged(repository, random);
        if (victim.isEmpty()) {
            return;
        }
        String digest = victim.get().digest();
        HttpResponse<String> response = registry.delete("/v2/" + repository + "/manifests/" + digest);
        String what = "delete manifest " + repository + "@" + digest;
        switch (response.statusCode()) {
            case 202 -> ledger.manifestDeleted(repository, digest);
            case 404 -> {
                expectCode(response, what, "MANIFEST_UNKNOWN");
                ledger.deletesOfNothing.increment();
            }
            case 409 -> {
                // An index lists it: the registry refuses to break the index.
                expectCode(response, what, "DENIED");
                ledger.deletesRefused.increment();
            }
            default -> unexpected(what, response);
        }
    }

    /**
     * Pulls what a tag points to. It may move or go at any moment, and what it pointed to be collected, so 404s are
     * fine; what is served must match its digest.
     */
    private void pull(String repository, String tag) {
        HttpResponse<byte[]> response = registry.getBytes("/v2/" + repository + "/manifests/" + tag,
                "Accept", OCI_MANIFEST + ", " + OCI_INDEX);
        if (response.statusCode() == 404) {
            return;
        }
        if (response.statusCode() != 200) {
            unexpectedBytes("pull " + repository + ":" + tag, response);
            return;
        }
        ledger.pulls.increment();
        String digest = RegistryClient.sha256(response.body());
        if (!response.headers().firstValue("Docker-Content-Digest").orElse("").equals(digest)) {
            ledger.fail("pull " + repository + ":" + tag + " served bytes of " + digest + " as "
                    + response.headers().firstValue("Docker-Content-Digest"));
            return;
        }
        JsonNode manifest = RegistryClient.JSON.readTree(response.body());
        if (manifest.has("manifests")) {
            for (JsonNode child : manifest.get("manifests")) {
                HttpResponse<byte[]> childResponse = registry.getBytes("/v2/" + repository + "/manifests/"
                        + child.get("digest").asString());
                if (childResponse.statusCode() == 404) {
                    ledger.pullsOfCollected.increment();
                } else if (childResponse.statusCode() != 200
                        || !RegistryClient.sha256(childResponse.body()).equals(child.get("digest").asString())) {
                    unexpectedBytes("pull child " + child.get("digest").asString(), childResponse);
                }
            }
            return;
        }
        List<JsonNode> blobs = new ArrayList<>();
        blobs.add(manifest.get("config"));
        manifest.get("layers").forEach(blobs::add);
        for (JsonNode blob : blobs) {
            String blobDigest = blob.get("digest").asString();
            HttpResponse<byte[]> blobResponse = registry.getBytes("/v2/" + repository + "/blobs/" + blobDigest);
            if (blobResponse.statusCode() == 404) {
                ledger.pullsOfCollected.increment();
            } else if (blobResponse.statusCode() != 200) {
                unexpectedBytes("pull blob " + repository + "@" + blobDigest, blobResponse);
            } else if (!RegistryClient.sha256(blobResponse.body()).equals(blobDigest)) {
                ledger.fail("pull blob " + repository + "@" + blobDigest + " served " + blobResponse.body().length
                        + " bytes of another digest");
            } else {
                ledger.pulledBlobs.increment();
            }
        }
    }

    // ---------------------------------------------------------------- pushing

    /** Uploads an image's blobs and pushes it; true once acknowledged. */
    private boolean push(String repository, String tag, StressManifest.Image image) {
        for (StressBlob blob : image.blobs()) {
            upload(repository, blob, true);
        }
        return put(repository, tag, image);
    }

    /**
     * PUTs the manifest under the tag (or its digest when the tag is null), supplying whatever the registry says is
     * missing until it is acknowledged.
     */
    private boolean put(String repository, String tag, StressManifest manifest) {
        String reference = tag == null ? manifest.digest() : tag;
        String what = "PUT manifest " + repository + ":" + reference;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = registry.putManifest(repository, reference, manifest.mediaType(),
                    manifest.bytes());
            if (response.statusCode() == 201) {
                String digest = response.headers().firstValue("Docker-Content-Digest").orElse("");
                if (!digest.equals(manifest.digest())) {
                    ledger.fail(what + " acknowledged as " + digest + ", not " + manifest.digest());
                    return false;
                }
                ledger.acknowledged(repository, tag, manifest);
                return true;
            }
            if (response.statusCode() != 400 || !hasCode(response, "MANIFEST_BLOB_UNKNOWN", "BLOB_UNKNOWN")) {
                unexpected(what, response);
                return false;
            }
            ledger.blobRetries.increment();
            if (attempt == MAX_ATTEMPTS) {
                ledger.starvedPushes.increment();
                return false;
            }
            Set<String> missing = missing(response);
            if (!supply(repository, manifest, missing)) {
                return false;
            }
        }
    }

    /** Uploads the missing blobs, or pushes the missing children by digest; false if that failed. */
    private boolean supply(String repository, StressManifest manifest, Set<String> missing) {
        switch (manifest) {
            case StressManifest.Image image -> {
                for (StressBlob blob : image.blobs()) {
                    if (missing.isEmpty() || missing.contains(blob.digest())) {
                        // No HEAD first: the registry just said it lacks it.
                        upload(repository, blob, false);
                    }
                }
                return true;
            }
            case StressManifest.Index index -> {
                for (StressManifest.Image child : index.children()) {
                    if ((missing.isEmpty() || missing.contains(child.digest())) && !push(repository, null, child)) {
                        return false;
                    }
                }
                return true;
            }
        }
    }

    /** Makes the blob available in the repository by one of the ways clients have. */
    private void upload(String repository, StressBlob blob, boolean mayCheckFirst) {
        String base = "/v2/" + repository + "/blobs/";
        if (mayCheckFirst && random.nextInt(100) < 30) {
            // As docker does: skip the upload when the registry has it (the collector may take it right after).
            HttpResponse<String> head = registry.head(base + blob.digest());
            if (head.statusCode() == 200) {
                ledger.uploadsSkipped.increment();
                return;
            }
            if (head.statusCode() != 404) {
                unexpected("HEAD blob " + repository + "@" + blob.digest(), head);
                return;
            }
        }
        ledger.uploaded(blob.digest());
        int how = random.nextInt(100);
        if (how < 15) {
            mount(repository, blob);
        } else if (how < 55) {
            monolithic(repository, blob);
        } else {
            chunked(repository, blob);
        }
    }

    private void mount(String repository, StressBlob blob) {
        String from = pick(repositories.stream().filter(r -> !r.equals(repository)).toList());
        HttpResponse<String> response = registry.method("POST", "/v2/" + repository + "/blobs/uploads/?mount="
                + blob.digest() + "&from=" + from, null);
        if (response.statusCode() == 201) {
            ledger.mounts.increment();
            return;
        }
        if (response.statusCode() != 202) {
            unexpected("mount " + blob.digest() + " from " + from + " into " + repository, response);
            return;
        }
        // Not there to mount: the registry opened an upload session instead.
        ledger.mountsRefused.increment();
        closeSession(repository, blob, location(response), blob.bytes());
    }

    private void monolithic(String repository, StressBlob blob) {
        HttpResponse<String> response = registry.method("POST", "/v2/" + repository + "/blobs/uploads/?digest="
                + blob.digest(), blob.bytes(), "Content-Type", "application/octet-stream");
        if (response.statusCode() == 201) {
            ledger.monolithicUploads.increment();
            return;
        }
        if (response.statusCode() != 202) {
            unexpected("monolithic upload of " + blob.digest() + " to " + repository, response);
            return;
        }
        // The spec lets a registry answer a monolithic POST with a session to upload to instead.
        closeSession(repository, blob, location(response), blob.bytes());
    }

    private void chunked(String repository, StressBlob blob) {
        HttpResponse<String> started = registry.method("POST", "/v2/" + repository + "/blobs/uploads/", null);
        if (started.statusCode() != 202) {
            unexpected("start upload to " + repository, started);
            return;
        }
        String location = location(started);
        byte[] bytes = blob.bytes();
        int chunks = 1 + random.nextInt(3);
        int offset = 0;
        for (int i = 0; i < chunks - 1 && offset < bytes.length; i++) {
            int length = Math.max(1, Math.min(bytes.length - offset, bytes.length / chunks));
            HttpResponse<String> patched = registry.send(registry.requestLocation(location)
                    .method("PATCH", BodyPublishers.ofByteArray(bytes, offset, length))
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", offset + "-" + (offset + length - 1))
                    .build());
            if (patched.statusCode() != 202) {
                unexpected("PATCH upload of " + blob.digest() + " to " + repository, patched);
                return;
            }
            location = location(patched);
            offset += length;
        }
        byte[] rest = java.util.Arrays.copyOfRange(bytes, offset, bytes.length);
        closeSession(repository, blob, location, rest);
        ledger.chunkedUploads.increment();
    }

    /** The closing PUT of an upload session, carrying the bytes not sent yet. */
    private void closeSession(String repository, StressBlob blob, String location, byte[] rest) {
        HttpResponse<String> closed = registry.send(registry.requestLocation(
                        RegistryClient.withQuery(location, "digest=" + blob.digest()))
                .PUT(BodyPublishers.ofByteArray(rest))
                .header("Content-Type", "application/octet-stream")
                .build());
        if (closed.statusCode() != 201) {
            unexpected("closing PUT of " + blob.digest() + " to " + repository, closed);
        }
    }

    // ---------------------------------------------------------------- content

    /** A new image: a unique config, one to three shared layers and up to two of its own. */
    private StressManifest.Image newImage() {
        List<StressBlob> layers = new ArrayList<>();
        Set<StressBlob> shared = new LinkedHashSet<>();
        int sharedCount = 1 + random.nextInt(3);
        while (shared.size() < sharedCount) {
            shared.add(pick(sharedLayers));
        }
        layers.addAll(shared);
        int own = random.nextInt(3);
        for (int i = 0; i < own; i++) {
            layers.add(StressBlob.layer(random.nextLong(), 512 + random.nextInt(48 << 10)));
        }
        return StressManifest.Image.of(StressBlob.config(random.nextLong()), layers);
    }

    // ---------------------------------------------------------------- responses

    private static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElseThrow(() ->
                new AssertionError(response.request().method() + " " + response.request().uri() + " gave no Location"));
    }

    private static boolean hasCode(HttpResponse<String> response, String... codes) {
        try {
            String code = RegistryClient.json(response.body()).get("errors").get(0).get("code").asString();
            return List.of(codes).contains(code);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Set<String> missing(HttpResponse<String> response) {
        Set<String> missing = new LinkedHashSet<>();
        JsonNode detail = RegistryClient.json(response.body()).get("errors").get(0).get("detail");
        if (detail != null && detail.has("missing")) {
            detail.get("missing").forEach(digest -> missing.add(digest.asString()));
        } else if (detail != null && detail.has("digest")) {
            missing.add(detail.get("digest").asString());
        }
        return missing;
    }

    private void expectCode(HttpResponse<String> response, String what, String... codes) {
        if (!hasCode(response, codes)) {
            unexpected(what, response);
        }
    }

    private void unexpected(String what, HttpResponse<String> response) {
        ledger.fail("client " + id + ": " + what + " → " + response.statusCode() + " " + response.body());
    }

    private void unexpectedBytes(String what, HttpResponse<byte[]> response) {
        String body = new String(response.body(), 0, Math.min(response.body().length, 500),
                java.nio.charset.StandardCharsets.UTF_8);
        ledger.fail("client " + id + ": " + what + " → " + response.statusCode() + " " + body);
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
