package io.stowage.gc;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * What this node's collector did, as counters ({@code stowage_gc_*}): summed over the nodes of a cluster, they give
 * what the cluster collected. Dry runs are not counted.
 */
@Component
public class GcMetrics {

    private final Counter manifests;
    private final Counter links;
    private final Counter blobs;
    private final Counter freedBytes;
    private final Counter deleteFailures;
    private final Counter reviewFailures;
    private final Timer passes;

    public GcMetrics(MeterRegistry registry) {
        this.manifests = Counter.builder("stowage.gc.deleted.manifests")
                .description("Manifests the garbage collector deleted").register(registry);
        this.links = Counter.builder("stowage.gc.deleted.links")
                .description("Blob links (repository to blob) the garbage collector removed").register(registry);
        this.blobs = Counter.builder("stowage.gc.deleted.blobs")
                .description("Blobs whose row and object the garbage collector deleted").register(registry);
        this.freedBytes = Counter.builder("stowage.gc.freed").baseUnit("bytes")
                .description("Bytes of blob storage the garbage collector freed").register(registry);
        this.deleteFailures = Counter.builder("stowage.gc.object.delete.failures")
                .description("Deletes in blob storage that failed and wait for a retry").register(registry);
        this.reviewFailures = Counter.builder("stowage.gc.review.failures")
                .description("Reviews that failed (a lost race or a database error) and stay queued for the next pass")
                .register(registry);
        this.passes = Timer.builder("stowage.gc.pass").description("Garbage collection passes and their duration")
                .register(registry);
    }

    void record(GarbageCollector.Report report, Duration took) {
        manifests.increment(report.manifests().size());
        links.increment(report.links().size());
        blobs.increment(report.blobs().size());
        freedBytes.increment(report.bytes());
        deleteFailures.increment(report.deleteFailures());
        reviewFailures.increment(report.reviewFailures());
        passes.record(took);
    }
}
