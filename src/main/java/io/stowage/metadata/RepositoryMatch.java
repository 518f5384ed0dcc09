package io.stowage.metadata;

/** A repository a search found: its name, description (null when none was set) and pulls. */
public record RepositoryMatch(String name, String description, long pulls) {
}
