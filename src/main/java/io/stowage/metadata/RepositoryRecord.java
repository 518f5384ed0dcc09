package io.stowage.metadata;

import java.time.Instant;

/**
 * A row of {@code repositories} as the admin API shows it: {@code visibility} is {@code private} or {@code public};
 * {@code pulls} and {@code lastPulledAt} (null before the first) as of the last flush of every node's pull tally.
 */
public record RepositoryRecord(long id, String name, String visibility, String description, long pulls,
                               Instant lastPulledAt) {
}
