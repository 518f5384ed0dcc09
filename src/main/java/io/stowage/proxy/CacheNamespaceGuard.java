package io.stowage.proxy;

import io.stowage.registry.ErrorCode;
import io.stowage.registry.PushGuard;
import io.stowage.registry.RegistryException;
import org.springframework.stereotype.Component;

/**
 * Nothing is pushed into an upstream's namespace: its repositories hold what the upstream serves, and a pushed image
 * there would shadow, or be shadowed by, the upstream's of the same name.
 */
@Component
class CacheNamespaceGuard implements PushGuard {

    private final Upstreams upstreams;

    CacheNamespaceGuard(Upstreams upstreams) {
        this.upstreams = upstreams;
    }

    @Override
    public void checkPush(String repository) {
        upstreams.owner(repository).ifPresent(upstream -> {
            throw new RegistryException(ErrorCode.DENIED, "repository " + repository
                    + " is in the namespace " + upstream.namespace() + "/ of the pull-through cache of "
                    + upstream.settings().url() + "; push to a repository outside it");
        });
    }
}
