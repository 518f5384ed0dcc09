package io.stowage.metadata;

import java.util.List;

/** Everything recorded for a pushed manifest; {@code platforms} as the tag table shows them, or null. */
public record NewManifest(
        long repositoryId,
        String digest,
        String mediaType,
        String artifactType,
        byte[] payload,
        String configDigest,
        String subjectDigest,
        String annotationsJson,
        long totalSize,
        String platforms,
        List<Layer> layers,
        List<Long> childIds) {

    /** A blob the manifest references, in manifest order (config first). */
    public record Layer(String digest, long size, String mediaType) {
    }
}
