package io.stowage.auth;

import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import org.springframework.stereotype.Component;

/**
 * The per-node caches that keep signature checks and password hashes off the hot path, and the login throttle's
 * counts: Caffeine's {@code cache_gets_total{cache,result}}, {@code cache_evictions_total}, {@code cache_size} and
 * the others by cache, plus {@code stowage_cache_requests_total{cache,result}}, the hits and misses that dashboards
 * read before these caches were Caffeine's.
 */
@Component
class AuthCacheMetrics implements MeterBinder {

    private final TokenVerifier tokens;
    private final SignIn signIns;
    private final Identities identities;
    private final LoginThrottle throttle;

    AuthCacheMetrics(TokenVerifier tokens, SignIn signIns, Identities identities, LoginThrottle throttle) {
        this.tokens = tokens;
        this.signIns = signIns;
        this.identities = identities;
        this.throttle = throttle;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bind(registry, "tokens", tokens.cache());
        bind(registry, "sign-ins", signIns.cache());
        bind(registry, "identities", identities.cache());
        CaffeineCacheMetrics.monitor(registry, throttle.pairs(), "login-failures-by-account-and-address");
        CaffeineCacheMetrics.monitor(registry, throttle.addresses(), "login-failures-by-address");
        CaffeineCacheMetrics.monitor(registry, throttle.accounts(), "login-failures-by-account");
    }

    private static void bind(MeterRegistry registry, String name, Cache<?, ?> cache) {
        CaffeineCacheMetrics.monitor(registry, cache, name);
        FunctionCounter.builder("stowage.cache.requests", cache, c -> c.stats().hitCount())
                .tags("cache", name, "result", "hit").description("Cache lookups, by result").register(registry);
        FunctionCounter.builder("stowage.cache.requests", cache, c -> c.stats().missCount())
                .tags("cache", name, "result", "miss").description("Cache lookups, by result").register(registry);
    }
}
