package io.stowage.metrics;

import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.stowage.metadata.GcRecords;
import io.stowage.metadata.StorageRecords;
import io.stowage.metadata.StorageRecords.NamespaceFigures;
import io.stowage.metadata.StorageTotals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * The registry's storage figures as gauges ({@code stowage_storage_*}, {@code stowage_namespace_*},
 * {@code stowage_gc_queued_*}), read from PostgreSQL every {@link #REFRESH} rather than at each scrape, so that
 * scrapes stay cheap however large the registry. They describe the whole registry, not one node: every node of a
 * cluster reports the same values (aggregate them with {@code max}, not {@code sum}).
 */
@Component
public class StorageMetrics implements SchedulingConfigurer {

    static final Duration REFRESH = Duration.ofSeconds(30);
    /** Namespaces with a gauge of their own, the largest first: bounds the number of series. */
    static final int NAMESPACES = 500;

    private static final Logger log = LoggerFactory.getLogger(StorageMetrics.class);

    private final StorageRecords storage;
    private final GcRecords gc;
    private final MultiGauge namespaceRepositories;
    private final MultiGauge namespaceReferenced;
    private final MultiGauge namespaceStored;
    private volatile StorageTotals totals = new StorageTotals(0, 0, 0, 0, 0, 0, 0, 0);
    private volatile GcRecords.Queued queued = new GcRecords.Queued(0, 0, 0, 0);

    public StorageMetrics(StorageRecords storage, GcRecords gc, MeterRegistry registry) {
        this.storage = storage;
        this.gc = gc;
        total(registry, "stowage.storage.repositories", null, "Repositories, empty ones included",
                StorageTotals::repositories);
        total(registry, "stowage.storage.manifests", null, "Manifests over all repositories", StorageTotals::manifests);
        total(registry, "stowage.storage.manifest", "bytes", "Manifest payload bytes (kept in PostgreSQL)",
                StorageTotals::manifestBytes);
        total(registry, "stowage.storage.blobs", null, "Blobs stored, each digest once", StorageTotals::blobs);
        total(registry, "stowage.storage.stored", "bytes", "Bytes in blob storage: each digest once (deduplicated)",
                StorageTotals::storedBytes);
        total(registry, "stowage.storage.referenced", "bytes",
                "Logical bytes: the blobs each repository's manifests reference, summed over repositories",
                StorageTotals::referencedBytes);
        total(registry, "stowage.uploads.sessions", null, "Upload sessions in progress", StorageTotals::uploads);
        total(registry, "stowage.uploads.received", "bytes", "Bytes received by the upload sessions in progress",
                StorageTotals::uploadBytes);
        queue(registry, "manifest", q -> q.manifestReviews());
        queue(registry, "link", q -> q.linkReviews());
        queue(registry, "blob", q -> q.blobReviews());
        Gauge.builder("stowage.gc.object.deletions.pending", this, m -> m.queued.objectDeletions())
                .description("Objects whose delete in storage failed and waits for a retry").register(registry);
        this.namespaceRepositories = MultiGauge.builder("stowage.namespace.repositories")
                .description("Repositories in the namespace").register(registry);
        this.namespaceReferenced = MultiGauge.builder("stowage.namespace.referenced").baseUnit("bytes")
                .description("Bytes the namespace's manifests reference, each digest once in the namespace")
                .register(registry);
        this.namespaceStored = MultiGauge.builder("stowage.namespace.stored").baseUnit("bytes")
                .description("Bytes of the blobs linked in the namespace, each digest once in the namespace")
                .register(registry);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::refreshQuietly, REFRESH);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("Could not refresh the storage metrics (will retry): {}", e.toString());
        }
    }

    /** Reads the figures now. */
    public void refresh() {
        totals = storage.totals();
        queued = gc.queued();
        List<NamespaceFigures> namespaces = storage.namespaces(NAMESPACES);
        namespaceRepositories.register(rows(namespaces, NamespaceFigures::repositories), true);
        namespaceReferenced.register(rows(namespaces, NamespaceFigures::referencedBytes), true);
        namespaceStored.register(rows(namespaces, NamespaceFigures::storedBytes), true);
    }

    private static List<MultiGauge.Row<?>> rows(List<NamespaceFigures> namespaces,
                                                ToDoubleFunction<NamespaceFigures> value) {
        return namespaces.stream()
                .<MultiGauge.Row<?>>map(n -> MultiGauge.Row.of(Tags.of("namespace", n.namespace()),
                        value.applyAsDouble(n)))
                .toList();
    }

    private void total(MeterRegistry registry, String name, String unit, String description,
                       ToDoubleFunction<StorageTotals> value) {
        Gauge.builder(name, this, m -> value.applyAsDouble(m.totals)).baseUnit(unit).description(description)
                .register(registry);
    }

    private void queue(MeterRegistry registry, String kind, ToDoubleFunction<GcRecords.Queued> value) {
        Gauge.builder("stowage.gc.reviews.queued", this, m -> value.applyAsDouble(m.queued)).tag("kind", kind)
                .description("Garbage collection reviews queued (due or not)").register(registry);
    }
}
