package io.stowage.outage;

import java.io.IOException;

import io.stowage.storage.BlobStore;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Blob storage can serve requests: part of readiness, so a node that lost its bucket or volume gets no traffic.
 * Answered within {@link DependencyHealthIndicator#TIMEOUT}, not after the S3 client's retries.
 */
@Component("storage")
class StorageHealthIndicator extends DependencyHealthIndicator {

    private final BlobStore store;

    StorageHealthIndicator(BlobStore store, OutageLog outages) {
        super(Dependency.STORAGE, outages, TIMEOUT);
        this.store = store;
    }

    @Override
    protected void check(Health.Builder builder) throws IOException {
        store.check();
        builder.withDetail("backend", store.backend());
    }
}
