package io.stowage.accounts;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a personal access token narrows its user's identity to: the repository actions of its scope, on the
 * repositories its pattern matches (all the user's when it has none), and never an administrator's rights over
 * accounts, organizations or the registry's settings.
 *
 * @param tokenId the token's id, which tokens issued for it carry, so that they die with it
 * @param name the token's name, for the audit trail
 */
public record TokenScope(long tokenId, String name, Scope scope, RepositoryPattern pattern) {

    /** A token's scope: each includes the ones before it. */
    public enum Scope {
        READ(Set.of(Actions.PULL)),
        WRITE(Set.of(Actions.PULL, Actions.PUSH)),
        DELETE(Set.of(Actions.PULL, Actions.PUSH, Actions.DELETE));

        private final Set<String> actions;

        Scope(Set<String> actions) {
            this.actions = actions;
        }

        public Set<String> actions() {
            return actions;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws ActionRefused (400) for a name that is not a scope */
        public static Scope of(String label) {
            for (Scope scope : values()) {
                if (scope.label().equals(label)) {
                    return scope;
                }
            }
            throw ActionRefused.invalid("unknown scope " + label + ": one of "
                    + List.of(values()).stream().map(Scope::label).toList());
        }
    }

    /** Whether the token reaches {@code repository} at all. */
    public boolean covers(String repository) {
        return pattern == null || pattern.matches(repository);
    }

    /** Whether it allows {@code action} on {@code repository}. */
    public boolean allows(String action, String repository) {
        return covers(repository) && scope.actions().contains(action);
    }
}
