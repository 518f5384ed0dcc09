package io.stowage.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.stowage.accounts.Actions;
import io.stowage.accounts.Identity;
import io.stowage.accounts.RepositoryPattern;
import io.stowage.config.StowageProperties;
import io.stowage.metadata.RepositoryFilter;
import io.stowage.metadata.RepositoryRecords;
import io.stowage.registry.RepositoryAccess;
import io.stowage.registry.RepositoryName;
import org.springframework.stereotype.Component;

/**
 * What the token endpoint grants: the intersection of what was asked with what {@link RepositoryAccess} allows, which
 * is never an error, only possibly empty; and what a token of a trusted external issuer lets its bearer pull.
 */
@Component
public class AccessPolicy {

    private final RepositoryAccess repositories;

    public AccessPolicy(RepositoryAccess repositories) {
        this.repositories = repositories;
    }

    /** The part of {@code scope} the identity is allowed; {@code *} asks for every action the identity has. */
    public Access grant(Identity identity, ResourceScope scope) {
        List<String> granted = new ArrayList<>();
        if (scope.type().equals("registry") && scope.name().equals("catalog")) {
            // Everyone may ask for the catalog and the search: they list only what the caller may pull.
            if (scope.actions().contains(Actions.ALL)) {
                granted.add(Actions.ALL);
            }
            if (scope.actions().contains(Actions.SEARCH)) {
                granted.add(Actions.SEARCH);
            }
        } else if (scope.type().equals("repository")) {
            Set<String> allowed = repositories.allowedActions(identity, scope.name());
            Set<String> requested = scope.actions().contains(Actions.ALL)
                    ? new LinkedHashSet<>(Actions.REPOSITORY) : scope.actions();
            requested.stream().filter(allowed::contains).forEach(granted::add);
        }
        return new Access(scope.type(), scope.name(), granted);
    }

    /**
     * The repositories a token of a trusted external issuer lets its bearer pull: the public ones and those its
     * {@code access} claim grants pull (or {@code *}) on.
     */
    public RepositoryFilter readableByAccess(List<Access> access) {
        List<String> regexes = new ArrayList<>();
        access.stream().filter(a -> a.type().equals("repository") && RepositoryName.isValid(a.name())
                        && (a.actions().contains(Actions.PULL) || a.actions().contains(Actions.ALL)))
                // A valid name holds no '*', so the pattern matches that one repository only.
                .forEach(a -> regexes.add(RepositoryPattern.of(a.name()).regex()));
        return repositories.publicOr(regexes);
    }
}
