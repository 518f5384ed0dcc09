package io.stowage.registry;

import java.util.UUID;

/** Where an upload session stands: its id and the bytes it holds. */
public record UploadStatus(UUID id, long received) {
}
