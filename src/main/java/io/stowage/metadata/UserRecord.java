package io.stowage.metadata;

/** One row of {@code users}; {@code passwordHash} is in the DelegatingPasswordEncoder's {@code {id}hash} format. */
public record UserRecord(long id, String username, String passwordHash, boolean admin, boolean disabled) {
}
