package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The manifest bytes kept in memory: within their byte budget, the least useful out one at a time, with metrics. */
class ManifestPayloadCacheTest {

    private final ManifestPayloadCache cache = new ManifestPayloadCache();

    @Test
    void staysWithinItsBudgetEvictingOneAtATimeAndKeepsWhatIsPulled() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        cache.bindTo(registry);
        byte[] hot = new byte[4096];
        cache.put("sha256:hot", hot);
        int size = 64 * 1024;
        int count = (int) (3 * ManifestPayloadCache.BUDGET_BYTES / size);
        for (int i = 0; i < count; i++) {
            cache.put("sha256:" + i, new byte[size]);
            if (i % 16 == 0) {
                assertThat(cache.get("sha256:hot")).isSameAs(hot);
            }
        }
        cache.cache().cleanUp();

        long weight = cache.cache().policy().eviction().orElseThrow().weightedSize().orElseThrow();
        assertThat(weight).isLessThanOrEqualTo(ManifestPayloadCache.BUDGET_BYTES);
        assertThat(weight).as("the budget is used, not emptied").isGreaterThan(ManifestPayloadCache.BUDGET_BYTES / 2);
        assertThat(cache.get("sha256:hot")).isSameAs(hot);
        assertThat(registry.get("cache.evictions").tag("cache", "manifests").functionCounter().count())
                .isGreaterThanOrEqualTo(count - ManifestPayloadCache.BUDGET_BYTES / size);
        assertThat(registry.get("cache.gets").tag("cache", "manifests").tag("result", "hit").functionCounter()
                .count()).isGreaterThan(0);
    }

    @Test
    void aManifestLargerThanASixteenthOfTheBudgetIsNotKept() {
        cache.put("sha256:large", new byte[(int) ManifestPayloadCache.LARGEST_BYTES + 1]);
        cache.put("sha256:fits", new byte[(int) ManifestPayloadCache.LARGEST_BYTES]);
        assertThat(cache.get("sha256:large")).isNull();
        assertThat(cache.get("sha256:fits")).hasSize((int) ManifestPayloadCache.LARGEST_BYTES);
    }
}
