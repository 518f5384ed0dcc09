package io.stowage.proxy;

import java.util.List;
import java.util.Optional;

import io.stowage.accounts.RepositoryPattern;
import io.stowage.config.StowageProperties;

/**
 * One upstream registry of the pull-through cache as configured: its namespace here, the repositories of it the
 * cache serves, and the client that talks to it.
 */
public final class Upstream {

    private final String name;
    private final String namespace;
    private final StowageProperties.Upstream settings;
    private final RegistryClient client;
    private final List<RepositoryPattern> include;
    private final List<RepositoryPattern> exclude;

    Upstream(String name, StowageProperties.Upstream settings, RegistryClient client) {
        this.name = name;
        this.namespace = settings.namespaceOr(name);
        this.settings = settings;
        this.client = client;
        this.include = settings.include().stream().map(RepositoryPattern::of).toList();
        this.exclude = settings.exclude().stream().map(RepositoryPattern::of).toList();
    }

    public String name() {
        return name;
    }

    /** Where its repositories appear here: {@code dockerhub} for {@code dockerhub/library/nginx}. */
    public String namespace() {
        return namespace;
    }

    public StowageProperties.Upstream settings() {
        return settings;
    }

    RegistryClient client() {
        return client;
    }

    /**
     * The upstream repository a local name stands for, if the name lies in this upstream's namespace and the
     * upstream repository is one the cache serves: {@code dockerhub/library/nginx} → {@code library/nginx}, and on
     * Docker Hub {@code dockerhub/nginx} → {@code library/nginx}.
     */
    Optional<String> remoteName(String repository) {
        if (!repository.startsWith(namespace + "/")) {
            return Optional.empty();
        }
        String remote = repository.substring(namespace.length() + 1);
        if (settings.mapsOfficialImages() && remote.indexOf('/') < 0) {
            remote = "library/" + remote;
        }
        String name = remote;
        if (!include.isEmpty() && include.stream().noneMatch(p -> p.matches(name))) {
            return Optional.empty();
        }
        if (exclude.stream().anyMatch(p -> p.matches(name))) {
            return Optional.empty();
        }
        return Optional.of(remote);
    }

    /** Whether the name lies in this upstream's namespace (served or not). */
    boolean owns(String repository) {
        return repository.startsWith(namespace + "/") || repository.equals(namespace);
    }

    @Override
    public String toString() {
        return name + " (" + settings.url() + ")";
    }
}
