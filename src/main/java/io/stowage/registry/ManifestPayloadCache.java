package io.stowage.registry;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import org.springframework.stereotype.Component;

/**
 * Manifest bytes by digest, within a byte budget, the least useful out first ({@code cache_*{cache="manifests"}}
 * metrics). Content-addressed bytes never change, so an entry is never stale on any node; whether a repository holds
 * the manifest is still asked of PostgreSQL on every request.
 */
@Component
class ManifestPayloadCache implements MeterBinder {

    static final long BUDGET_BYTES = 32L << 20;
    /** So that a few large indexes cannot take the whole budget. */
    static final long LARGEST_BYTES = BUDGET_BYTES / 16;
    /** Manifests nobody pulls give their memory back, for a node that is idle. */
    private static final Duration IDLE = Duration.ofHours(1);

    private final Cache<String, byte[]> entries = Caffeine.newBuilder().maximumWeight(BUDGET_BYTES)
            .weigher((String digest, byte[] payload) -> payload.length).expireAfterAccess(IDLE).recordStats().build();

    byte[] get(String digest) {
        return entries.getIfPresent(digest);
    }

    void put(String digest, byte[] payload) {
        if (payload.length <= LARGEST_BYTES) {
            entries.put(digest, payload);
        }
    }

    /** The cache behind this, for tests. */
    Cache<String, byte[]> cache() {
        return entries;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        CaffeineCacheMetrics.monitor(registry, entries, "manifests");
    }
}
