package io.stowage.governance;

import java.time.Instant;
import java.util.List;

import io.stowage.accounts.RepositoryPattern;
import io.stowage.metadata.ImmutabilityRuleRecords;

/**
 * Freezes the tags its patterns match, except those an exception matches, in the repositories its pattern matches:
 * such a tag keeps the manifest it was first pushed with ({@code v*} and {@code [0-9]*} frozen, {@code *-rc*} and
 * {@code latest} still moving).
 */
record ImmutabilityRule(long id, RepositoryPattern repositories, List<TagPattern> tags, List<TagPattern> exceptions,
                        String description, String createdBy, Instant createdAt) {

    static ImmutabilityRule of(ImmutabilityRuleRecords.Row row) {
        return new ImmutabilityRule(row.id(), RepositoryPattern.of(row.repositoryPattern()),
                row.tagPatterns().stream().map(TagPattern::of).toList(),
                row.exceptions().stream().map(TagPattern::of).toList(), row.description(), row.createdBy(),
                row.createdAt());
    }

    boolean coversRepository(String repository) {
        return repositories.matches(repository);
    }

    /** Whether the tag of a repository it covers is frozen. */
    boolean coversTag(String tag) {
        return tags.stream().anyMatch(p -> p.matches(tag)) && exceptions.stream().noneMatch(p -> p.matches(tag));
    }

    /** How refusals name it: {@code immutability rule 3 (acme/*: v*, [0-9]*; except *-rc*)}. */
    String describe() {
        StringBuilder text = new StringBuilder("immutability rule ").append(id).append(" (").append(repositories)
                .append(": ").append(String.join(", ", tags.stream().map(TagPattern::pattern).toList()));
        if (!exceptions.isEmpty()) {
            text.append("; except ").append(String.join(", ", exceptions.stream().map(TagPattern::pattern).toList()));
        }
        return text.append(')').toString();
    }
}
