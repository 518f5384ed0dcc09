package io.stowage.registry;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.stowage.config.StowageProperties;
import io.stowage.metadata.GcRecords;
import io.stowage.metadata.UploadRecord;
import io.stowage.metadata.UploadRecords;
import io.stowage.storage.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Cancels upload sessions untouched for {@code stowage.uploads.expiry}, deletes upload bytes in storage
 * that no session owns (left by a node that died mid-request), and drops the expired blob pins of monolithic
 * uploads such a node left, asking for the review of the blobs they pinned.
 */
@Component
public class UploadExpiry implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(UploadExpiry.class);

    private final UploadRecords uploads;
    private final BlobStore store;
    private final StowageProperties properties;

    private final GcRecords gc;
    private final TransactionTemplate tx;

    public UploadExpiry(UploadRecords uploads, BlobStore store, StowageProperties properties, GcRecords gc,
                        TransactionTemplate tx) {
        this.gc = gc;
        this.tx = tx;
        this.uploads = uploads;
        this.store = store;
        this.properties = properties;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::sweep, properties.uploads().sweepInterval());
    }

    /** One pass; returns the number of sessions and orphaned uploads removed. */
    public int sweep() {
        Instant cutoff = Instant.now().minus(properties.uploads().expiry());
        int removed = 0;
        try {
            for (UploadRecord upload : uploads.untouchedSince(cutoff, 1000)) {
                if (uploads.delete(upload.id())) {
                    store.deleteUpload(upload.id().toString(), upload.storageRef());
                    removed++;
                }
            }
            for (String orphan : store.uploadsWrittenBefore(cutoff)) {
                if (!uploads.exists(UUID.fromString(orphan))) {
                    store.deleteUpload(orphan, null);
                    removed++;
                }
            }
            // Pins of monolithic uploads whose node died mid-request: the blobs they kept are reviewed now.
            tx.executeWithoutResult(status -> {
                for (String digest : gc.deleteExpiredPins()) {
                    gc.reviewBlob(digest, Duration.ZERO);
                }
            });
        } catch (IOException | RuntimeException e) {
            log.warn("Upload expiry sweep failed (will retry): {}", e.toString());
        }
        if (removed > 0) {
            log.info("Removed {} expired uploads", removed);
        }
        return removed;
    }
}
