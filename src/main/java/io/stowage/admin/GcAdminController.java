package io.stowage.admin;

import io.stowage.admin.GcAdministration.GcRequest;
import io.stowage.gc.GarbageCollector;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/gc}: a garbage collection pass now, or a dry run listing what it would delete (administrators). */
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
    GarbageCollector.Report run(@RequestBody(required = false) GcRequest request,
                                @RequestAttribute(AdminCaller.ATTRIBUTE) AdminCaller caller) {
        return gc.run(caller, request);
    }
}
