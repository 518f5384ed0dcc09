package io.stowage.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.stowage.config.StowageProperties;
import io.stowage.gc.GarbageCollector;
import org.springframework.stereotype.Service;

/** Running a garbage collection pass on demand (administrators only). */
@Service
public class GcAdministration {

    private final GarbageCollector collector;
    private final StowageProperties properties;
    private final AdminAudit audit;

    GcAdministration(GarbageCollector collector, StowageProperties properties, AdminAudit audit) {
        this.collector = collector;
        this.properties = properties;
        this.audit = audit;
    }

    /** {@code dryRun}: only list what is due and would go now. */
    public record GcRequest(Boolean dryRun) implements StrictRequestBody {
    }

    /**
     * Runs one pass now over what is due (the review delay still applies), as the scheduled collector would; a dry
     * run deletes nothing and lists what would go.
     */
    public GarbageCollector.Report run(AdminCaller caller, GcRequest request) {
        caller.requireAdmin();
        boolean dryRun = request != null && Boolean.TRUE.equals(request.dryRun());
        GarbageCollector.Report report = collector.pass(
                new GarbageCollector.Options(dryRun, false, null, properties.gc().untagged()));
        if (!dryRun) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("manifests", report.manifests().size());
            detail.put("links", report.links().size());
            detail.put("blobs", report.blobs().size());
            detail.put("bytes", report.bytes());
            audit.record(caller, AdminAudit.GC_RUN, null, detail);
        }
        return report;
    }
}
