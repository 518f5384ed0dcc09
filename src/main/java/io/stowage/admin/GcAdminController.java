package io.stowage.admin;

import java.util.List;

import io.stowage.accounts.Actor;
import io.stowage.gc.GarbageCollector;
import io.stowage.gc.GcAdministration.GcRequest;
import io.stowage.gc.GcAdministration;
import io.stowage.metadata.GcRunRecords.GcRun;
import io.stowage.metadata.GcRunRecords;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/gc}: a garbage collection pass now, or a dry run listing what it would delete, and the passes
 * recorded (administrators).
 */
@RestController
@RequestMapping("/api/v1/gc")
@Tag(name = "gc", description = "Online garbage collection of unreferenced manifests and blobs")
class GcAdminController {

    private final GcAdministration gc;

    GcAdminController(GcAdministration gc) {
        this.gc = gc;
    }

    @PostMapping
    @Operation(operationId = "runGc", summary = "Run a pass over due reviews now; with {\"dryRun\": true} only list"
            + " what would be deleted")
    GarbageCollector.Report run(@RequestBody(required = false) @Valid GcRequest request,
                                @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return gc.run(caller, request);
    }

    /** The recorded passes, newest first. */
    record GcRuns(List<GcRun> runs) {
    }

    @GetMapping("/runs")
    @Operation(operationId = "listGcRuns", summary = "Recorded passes, newest first: every pass run through this API"
            + " (dry runs marked) and the scheduled ones that deleted something or failed; the newest "
            + GcRunRecords.KEPT + " are kept")
    GcRuns runs(@Parameter(description = "how many") @RequestParam(defaultValue = PageSize.DEFAULT) @Min(1)
                @Max(PageSize.MAX) int n,
                @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return new GcRuns(gc.runs(caller, n));
    }
}
