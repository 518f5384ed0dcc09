package io.stowage.accounts;

import java.util.Set;

/** Actions allowed on every repository a pattern matches. */
public record Grant(RepositoryPattern pattern, Set<String> actions) {

    public Grant {
        actions = Set.copyOf(actions);
    }
}
