package io.stowage.metadata;

import java.time.Instant;

/**
 * A tag with the manifest it points to, when it was last pointed there, and that manifest's pulls (by tag or digest,
 * as of the last flush of every node's pull tally; {@code lastPulledAt} is null before the first).
 */
public record TagRecord(String name, String digest, String mediaType, Instant updatedAt, long pulls,
                        Instant lastPulledAt) {
}
