package io.stowage.proxy;

import java.time.Duration;
import java.util.UUID;

import io.stowage.config.StowageProperties;
import io.stowage.metadata.CacheRecords;
import org.springframework.stereotype.Component;

/**
 * Claims on fetches from upstreams across all nodes sharing the database, so that one object is fetched once
 * however many nodes are asked for it at the same moment. A claim is a lease: a node that dies stops renewing it,
 * and another node takes over once it has expired.
 */
@Component
class FetchLeases {

    private static final Duration POLL = Duration.ofMillis(50);

    private final CacheRecords records;
    private final Duration lease;
    private final String node = UUID.randomUUID().toString();

    FetchLeases(CacheRecords records, StowageProperties properties) {
        this.records = records;
        this.lease = properties.proxy().fetchLease();
    }

    /** Claims the fetch for this node; false while another node holds it. */
    boolean tryClaim(String key) {
        return records.tryLease(key, node, lease);
    }

    /** Renews this node's claim; false if it was lost (expired, and taken by another node). */
    boolean renew(String key) {
        return records.renewLease(key, node, lease);
    }

    /** How often a holder renews its claim: three times per lease. */
    Duration renewalInterval() {
        return lease.dividedBy(3);
    }

    void release(String key) {
        records.releaseLease(key, node);
    }

    /** Waits (at most {@code limit}) until no node holds the fetch: finished, failed, or its node gone. */
    void awaitRelease(String key, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (records.isLeased(key) && System.nanoTime() < deadline) {
            Thread.sleep(POLL);
        }
    }
}
