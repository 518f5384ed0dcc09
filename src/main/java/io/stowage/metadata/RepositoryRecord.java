package io.stowage.metadata;

/** A row of {@code repositories} as the admin API shows it: {@code visibility} is {@code private} or {@code public}. */
public record RepositoryRecord(long id, String name, String visibility, String description) {
}
