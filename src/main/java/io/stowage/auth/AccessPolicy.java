package io.stowage.auth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.stowage.config.StowageProperties;
import io.stowage.metadata.RepositoryFilter;
import io.stowage.metadata.RepositoryRecords;
import io.stowage.registry.RepositoryName;
import org.springframework.stereotype.Component;

/**
 * What an identity may do (see {@link Identity#allowedActions}), with public repositories being those made public
 * through the admin API and those matching {@code stowage.auth.public-repositories}. The token endpoint grants the
 * intersection of this with what was asked, which is never an error, only possibly empty.
 */
@Component
public class AccessPolicy {

    private final RepositoryRecords repositories;
    private final List<RepositoryPattern> publicPatterns;

    public AccessPolicy(RepositoryRecords repositories, StowageProperties properties) {
        this.repositories = repositories;
        this.publicPatterns = properties.auth().publicRepositories().stream().map(RepositoryPattern::of).toList();
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
            Set<String> allowed = allowedActions(identity, scope.name());
            Set<String> requested = scope.actions().contains(Actions.ALL)
                    ? new LinkedHashSet<>(Actions.REPOSITORY) : scope.actions();
            requested.stream().filter(allowed::contains).forEach(granted::add);
        }
        return new Access(scope.type(), scope.name(), granted);
    }

    /** The repository actions (pull, push, delete) the identity may take on {@code repository}. */
    public Set<String> allowedActions(Identity identity, String repository) {
        return identity.allowedActions(repository, identity.admin() || isPublic(repository));
    }

    public boolean isPublic(String repository) {
        return publicPatterns.stream().anyMatch(p -> p.matches(repository)) || repositories.isPublic(repository);
    }

    /** The repositories the identity may pull, as a filter for queries (the catalog, mounts). */
    public RepositoryFilter readable(Identity identity) {
        if (identity.admin()) {
            return RepositoryFilter.ALL;
        }
        List<String> regexes = new ArrayList<>();
        publicPatterns.forEach(p -> regexes.add(p.regex()));
        if (identity.kind() == Identity.Kind.USER) {
            regexes.add(RepositoryPattern.of(identity.subject() + "/*").regex());
        }
        identity.grants().stream().filter(g -> g.actions().contains(Actions.PULL))
                .forEach(g -> regexes.add(g.pattern().regex()));
        return RepositoryFilter.publicOr(regexes);
    }

    /**
     * The repositories a token of a trusted external issuer lets its bearer pull: the public ones and those its
     * {@code access} claim grants pull (or {@code *}) on.
     */
    public RepositoryFilter readableByAccess(List<Access> access) {
        List<String> regexes = new ArrayList<>();
        publicPatterns.forEach(p -> regexes.add(p.regex()));
        access.stream().filter(a -> a.type().equals("repository") && RepositoryName.isValid(a.name())
                        && (a.actions().contains(Actions.PULL) || a.actions().contains(Actions.ALL)))
                // A valid name holds no '*', so the pattern matches that one repository only.
                .forEach(a -> regexes.add(RepositoryPattern.of(a.name()).regex()));
        return RepositoryFilter.publicOr(regexes);
    }
}
