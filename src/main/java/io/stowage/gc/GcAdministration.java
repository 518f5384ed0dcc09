package io.stowage.gc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stowage.accounts.Actor;
import io.stowage.accounts.ChangeAudit;
import io.stowage.accounts.StrictRequestBody;
import io.stowage.config.StowageProperties;
import io.stowage.gc.GcRunLog.Trigger;
import io.stowage.metadata.GcRunRecords.GcRun;
import io.stowage.metadata.GcRunRecords;
import org.springframework.stereotype.Service;

/** Running a garbage collection pass on demand, and the record of past passes (administrators only). */
@Service
public class GcAdministration {

    private final GarbageCollector collector;
    private final StowageProperties properties;
    private final ChangeAudit audit;
    private final GcRunRecords runs;

    GcAdministration(GarbageCollector collector, StowageProperties properties, ChangeAudit audit, GcRunRecords runs) {
        this.collector = collector;
        this.properties = properties;
        this.audit = audit;
        this.runs = runs;
    }

    /** {@code dryRun}: only list what is due and would go now. */
    public record GcRequest(Boolean dryRun) implements StrictRequestBody {
    }

    /**
     * Runs one pass now over what is due (the review delay still applies), as the scheduled collector would; a dry
     * run deletes nothing and lists what would go.
     */
    public GarbageCollector.Report run(Actor caller, GcRequest request) {
        caller.requireAdmin();
        boolean dryRun = request != null && Boolean.TRUE.equals(request.dryRun());
        GarbageCollector.Report report = collector.pass(
                new GarbageCollector.Options(dryRun, false, null, properties.gc().untagged()), Trigger.ADMIN);
        if (!dryRun) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("manifests", report.manifests().size());
            detail.put("links", report.links().size());
            detail.put("blobs", report.blobs().size());
            detail.put("bytes", report.bytes());
            audit.record(caller, ChangeAudit.GC_RUN, null, detail);
        }
        return report;
    }

    /**
     * The newest {@code limit} recorded passes, newest first: every pass run through {@link #run}, and the scheduled
     * ones that deleted something or failed.
     */
    public List<GcRun> runs(Actor caller, int limit) {
        caller.requireAdmin();
        return runs.latest(limit);
    }
}
