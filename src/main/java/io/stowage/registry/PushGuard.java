package io.stowage.registry;

/**
 * A rule on where content may be pushed, consulted before any push, upload or mount creates or changes a repository.
 * The registry knows of no such rule itself; features above it (the pull-through cache, whose namespaces only its
 * upstreams fill) contribute them as beans.
 */
public interface PushGuard {

    /** Throws a {@link RegistryException} ({@code DENIED}, saying why) if nothing may be pushed to the repository. */
    void checkPush(String repository);
}
