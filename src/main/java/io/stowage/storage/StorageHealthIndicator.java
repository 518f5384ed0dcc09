package io.stowage.storage;

import java.io.IOException;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** Blob storage can serve requests: part of readiness, so a node that lost its bucket or volume gets no traffic. */
@Component("storage")
class StorageHealthIndicator extends AbstractHealthIndicator {

    private final BlobStore store;

    StorageHealthIndicator(BlobStore store) {
        super("Blob storage is not available");
        this.store = store;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws IOException {
        store.check();
        builder.up().withDetail("backend", store.backend());
    }
}
