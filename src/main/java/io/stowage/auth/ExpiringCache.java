package io.stowage.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small per-node memory of results that may be reused for a fixed time (verified tokens, sign-ins, identities).
 * Bounded by emptying it when full: what it holds is cheap to recompute, only not on every request.
 */
final class ExpiringCache<K, V> {

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Duration lifetime;
    private final int limit;
    private final Clock clock;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    ExpiringCache(Duration lifetime, int limit, Clock clock) {
        this.lifetime = lifetime;
        this.limit = limit;
        this.clock = clock;
    }

    /** The value remembered for {@code key}, or null when there is none or it is older than the lifetime. */
    V get(K key) {
        Entry<V> entry = entries.get(key);
        boolean fresh = entry != null && entry.until().isAfter(clock.instant());
        (fresh ? hits : misses).increment();
        return fresh ? entry.value() : null;
    }

    /** Lookups that found a fresh value. */
    long hits() {
        return hits.sum();
    }

    /** Lookups that found nothing, or a value too old. */
    long misses() {
        return misses.sum();
    }

    void put(K key, V value) {
        if (entries.size() >= limit) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, clock.instant().plus(lifetime)));
    }

    void clear() {
        entries.clear();
    }

    private record Entry<V>(V value, Instant until) {
    }
}
