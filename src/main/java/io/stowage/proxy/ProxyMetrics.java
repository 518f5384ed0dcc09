package io.stowage.proxy;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Per upstream: hits, misses, revalidations, stale serves, upstream errors and bytes fetched. */
@Component
public class ProxyMetrics {

    /** What the cache did with a request. */
    public enum Outcome {
        /** Served from the cache without asking the upstream. */
        HIT,
        /** Not cached: fetched from the upstream. */
        MISS,
        /** A cached tag confirmed by a HEAD upstream, then served from the cache. */
        REVALIDATED,
        /** Served from the cache because the upstream failed or no longer has it. */
        STALE
    }

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void count(Upstream upstream, String kind, Outcome outcome) {
        counter("stowage.proxy.requests", "Requests for cached content, by upstream, kind and outcome",
                upstream, "kind", kind, "outcome", outcome.name().toLowerCase(Locale.ROOT)).increment();
    }

    void error(Upstream upstream, UpstreamException e) {
        counter("stowage.proxy.upstream.errors", "Failed requests to an upstream, by problem",
                upstream, "problem", e.problem().name().toLowerCase(Locale.ROOT), null, null).increment();
    }

    void fetched(Upstream upstream, long bytes) {
        counter("stowage.proxy.fetched.bytes", "Bytes of manifests and blobs fetched from an upstream",
                upstream, null, null, null, null).increment(bytes);
    }

    private Counter counter(String name, String description, Upstream upstream, String key1, String value1,
                            String key2, String value2) {
        String id = name + '|' + upstream.name() + '|' + value1 + '|' + value2;
        return counters.computeIfAbsent(id, ignored -> {
            Counter.Builder builder = Counter.builder(name).description(description).tag("upstream", upstream.name());
            if (key1 != null) {
                builder.tag(key1, value1);
            }
            if (key2 != null) {
                builder.tag(key2, value2);
            }
            return builder.register(registry);
        });
    }
}
