package io.stowage.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.stowage.accounts.Actions;
import io.stowage.accounts.Identity;
import io.stowage.accounts.RepositoryPattern;
import io.stowage.config.StowageProperties;
import io.stowage.metadata.RepositoryFilter;
import io.stowage.metadata.RepositoryRecords;
import org.springframework.stereotype.Component;

/**
 * What an identity may do to a repository (see {@link Identity#allowedActions}), public repositories being those made
 * public through the admin API or the UI, those matching {@code stowage.auth.public-repositories}, and those in the
 * namespace of an upstream of the pull-through cache with {@code anonymous-pull}. Every surface
 * asks this: the token endpoint, {@code /v2/}, the admin API and the UI.
 */
@Component
public class RepositoryAccess {

    private final RepositoryRecords repositories;
    private final List<RepositoryPattern> publicPatterns;

    public RepositoryAccess(RepositoryRecords repositories, StowageProperties properties) {
        this.repositories = repositories;
        List<RepositoryPattern> patterns = new ArrayList<>(
                properties.auth().publicRepositories().stream().map(RepositoryPattern::of).toList());
        // The namespaces of the pull-through cache's upstreams that anyone may pull through.
        properties.proxy().upstreams().forEach((name, upstream) -> {
            if (upstream.anonymousPull()) {
                patterns.add(RepositoryPattern.of(upstream.namespaceOr(name) + "/*"));
            }
        });
        this.publicPatterns = List.copyOf(patterns);
    }

    /** The repository actions (pull, push, delete) the identity may take on {@code repository}. */
    public Set<String> allowedActions(Identity identity, String repository) {
        return identity.allowedActions(repository, identity.admin() || isPublic(repository));
    }

    public boolean isPublic(String repository) {
        return publicPatterns.stream().anyMatch(p -> p.matches(repository)) || repositories.isPublic(repository);
    }

    /** The repositories the identity may pull, as a filter for queries (the catalog, mounts, the UI's lists). */
    public RepositoryFilter readable(Identity identity) {
        if (identity.reachesEveryRepository()) {
            return identity.token() == null || identity.token().pattern() == null ? RepositoryFilter.ALL
                    : publicOr(List.of(identity.token().pattern().regex()));
        }
        List<String> regexes = new ArrayList<>();
        if (identity.kind() == Identity.Kind.USER) {
            regexes.add(RepositoryPattern.of(identity.subject() + "/*").regex());
        }
        identity.grants().stream().filter(g -> g.actions().contains(Actions.PULL))
                .forEach(g -> regexes.add(g.pattern().regex()));
        // Every role pulls.
        identity.roles().forEach(r -> regexes.add(r.pattern().regex()));
        if (identity.token() != null && identity.token().pattern() != null) {
            // A token reaches only what its pattern matches too: a lookahead ANDs the two, in Java and PostgreSQL.
            String within = "(?=" + identity.token().pattern().regex() + ")";
            return publicOr(regexes.stream().map(regex -> within + regex).toList());
        }
        return publicOr(regexes);
    }

    /** The public repositories and those matching one of the regular expressions (see {@link RepositoryPattern}). */
    public RepositoryFilter publicOr(List<String> regexes) {
        List<String> all = new ArrayList<>();
        publicPatterns.forEach(p -> all.add(p.regex()));
        all.addAll(regexes);
        return RepositoryFilter.publicOr(all);
    }
}
