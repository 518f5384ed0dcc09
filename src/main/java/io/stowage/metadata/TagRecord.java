package io.stowage.metadata;

import java.time.Instant;

/** A tag with the manifest it points to, and when it was last pointed there. */
public record TagRecord(String name, String digest, String mediaType, Instant updatedAt) {
}
