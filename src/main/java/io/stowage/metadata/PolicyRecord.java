package io.stowage.metadata;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code access_policies}: {@code actions} on repositories matching {@code repositoryPattern}, for the
 * user or the robot named (exactly one of {@code username} and {@code robot} is set).
 */
public record PolicyRecord(long id, String repositoryPattern, String username, String robot, List<String> actions,
                           String createdBy, Instant createdAt) {
}
