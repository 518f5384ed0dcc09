package io.stowage.metadata;

import java.time.Instant;

/** One row of {@code robot_accounts}, without its secret hash. */
public record RobotRecord(long id, String name, String description, boolean disabled, Instant expiresAt,
                          String createdBy, Instant createdAt, Instant lastUsedAt) {
}
