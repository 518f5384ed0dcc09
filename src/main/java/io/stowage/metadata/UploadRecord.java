package io.stowage.metadata;

import java.time.Instant;
import java.util.UUID;

/**
 * An upload session: which repository it is for and how many bytes it holds. {@code hashState} is the running
 * digest after exactly {@code received} bytes (opaque here, see the registry's DigestState), or null.
 */
public record UploadRecord(
        UUID id, long repositoryId, String digestAlgorithm, String storageRef, long received, Instant updatedAt,
        byte[] hashState, Instant startedAt) {
}
