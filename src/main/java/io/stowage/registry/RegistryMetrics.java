package io.stowage.registry;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/** What this node's registry API did: manifests and blobs pushed and pulled, and how long uploads took. */
@Component
public class RegistryMetrics {

    /** How a blob came into a repository. */
    public enum Arrival {
        MONOLITHIC, CHUNKED, MOUNT, FETCHED
    }

    private final Counter manifestsPushed;
    private final Counter manifestsPulled;
    private final Counter blobsPulled;
    private final Counter blobBytesPulled;
    private final Counter blobBytesUploaded;
    private final Counter[] blobsUploaded = new Counter[Arrival.values().length];
    private final Timer uploadDuration;

    public RegistryMetrics(MeterRegistry registry) {
        manifestsPushed = Counter.builder("stowage.manifests.pushed").description("Manifests pushed (201)")
                .register(registry);
        manifestsPulled = Counter.builder("stowage.manifests.pulled").description("Manifests served (GET 200)")
                .register(registry);
        blobsPulled = Counter.builder("stowage.blobs.pulled").description("Blob downloads started (GET 200 or 206)")
                .register(registry);
        blobBytesPulled = Counter.builder("stowage.blobs.pulled.size").baseUnit("bytes")
                .description("Bytes of blob downloads, as requested (whole blob or range)").register(registry);
        blobBytesUploaded = Counter.builder("stowage.blobs.uploaded.size").baseUnit("bytes")
                .description("Bytes of blobs uploaded or mounted into a repository").register(registry);
        for (Arrival arrival : Arrival.values()) {
            blobsUploaded[arrival.ordinal()] = Counter.builder("stowage.blobs.uploaded")
                    .description("Blobs made visible in a repository, by how they came")
                    .tag("method", arrival.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        uploadDuration = Timer.builder("stowage.uploads.duration")
                .description("Chunked upload sessions, from start to completion").register(registry);
    }

    public void manifestPushed() {
        manifestsPushed.increment();
    }

    public void manifestPulled() {
        manifestsPulled.increment();
    }

    public void blobPulled(long bytes) {
        blobsPulled.increment();
        blobBytesPulled.increment(bytes);
    }

    public void blobUploaded(Arrival arrival, long bytes) {
        blobsUploaded[arrival.ordinal()].increment();
        blobBytesUploaded.increment(bytes);
    }

    /** A chunked session completed after {@code took}. */
    public void uploadCompleted(Duration took) {
        uploadDuration.record(took);
    }
}
