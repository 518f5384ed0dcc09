package io.stowage.gc;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;

import io.stowage.metadata.GcRunRecords;
import io.stowage.metadata.GcRunRecords.GcRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes the garbage collection passes worth looking back on to {@code gc_runs}: every pass an administrator asked
 * for, and the scheduled passes that deleted something or failed. An empty scheduled pass, every few seconds on every
 * node, is not news. Recording is best effort: a pass never fails because its record could not be written.
 */
@Component
public class GcRunLog {

    private static final Logger log = LoggerFactory.getLogger(GcRunLog.class);
    private static final int MAX_ERROR_LENGTH = 1000;

    /** Who asked for a pass. */
    public enum Trigger {
        /** The collector's own schedule, or code that runs a pass itself. */
        SCHEDULED("scheduled"),
        /** An administrator, through the admin API: recorded even when nothing was due. */
        ADMIN("admin");

        private final String column;

        Trigger(String column) {
            this.column = column;
        }
    }

    private final GcRunRecords records;
    // Looked up on the first record, not at startup: a slow resolver must delay neither.
    private volatile String node;

    public GcRunLog(GcRunRecords records) {
        this.records = records;
    }

    /** Records the pass if it is worth it; {@code failure} is what stopped it early, or null. */
    void passed(Trigger trigger, boolean dryRun, Instant startedAt, GarbageCollector.Report report,
                RuntimeException failure) {
        boolean failed = failure != null || report.deleteFailures() > 0 || report.reviewFailures() > 0;
        if (trigger == Trigger.SCHEDULED && !report.deletedAnything() && !failed) {
            return;
        }
        String error = failure == null ? null : failure.toString();
        if (error != null && error.length() > MAX_ERROR_LENGTH) {
            error = error.substring(0, MAX_ERROR_LENGTH) + "…";
        }
        try {
            records.record(new GcRun(0, startedAt, Instant.now(), trigger.column, dryRun, node(),
                    report.manifests().size(), report.links().size(), report.blobs().size(), report.bytes(),
                    report.deleteFailures(), report.reviewFailures(), error));
        } catch (RuntimeException e) {
            log.warn("Could not record a garbage collection pass in gc_runs (the pass itself is done): {}",
                    e.toString());
        }
    }

    private String node() {
        String known = node;
        if (known == null) {
            known = hostName();
            node = known;
        }
        return known.isEmpty() ? null : known;
    }

    private static String hostName() {
        // Set by container runtimes and Kubernetes (the pod's name): no lookup needed.
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "";
        }
    }
}
