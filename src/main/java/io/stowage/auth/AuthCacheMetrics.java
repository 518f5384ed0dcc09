package io.stowage.auth;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/**
 * Hits and misses of the per-node caches that keep signature checks and password hashes off the hot path
 * ({@code stowage_cache_requests_total} by cache and result).
 */
@Component
class AuthCacheMetrics implements MeterBinder {

    private final TokenVerifier tokens;
    private final SignIn signIns;
    private final Identities identities;

    AuthCacheMetrics(TokenVerifier tokens, SignIn signIns, Identities identities) {
        this.tokens = tokens;
        this.signIns = signIns;
        this.identities = identities;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bind(registry, "tokens", tokens.cache());
        bind(registry, "sign-ins", signIns.cache());
        bind(registry, "identities", identities.cache());
    }

    private static void bind(MeterRegistry registry, String name, ExpiringCache<?, ?> cache) {
        FunctionCounter.builder("stowage.cache.requests", cache, ExpiringCache::hits).tags("cache", name, "result", "hit")
                .description("Cache lookups, by result").register(registry);
        FunctionCounter.builder("stowage.cache.requests", cache, ExpiringCache::misses)
                .tags("cache", name, "result", "miss").description("Cache lookups, by result").register(registry);
    }
}
