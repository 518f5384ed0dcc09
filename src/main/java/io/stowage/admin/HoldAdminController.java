package io.stowage.admin;

import java.net.URI;
import java.util.List;

import io.stowage.accounts.Actor;
import io.stowage.governance.LegalHolds;
import io.stowage.governance.LegalHolds.HoldView;
import io.stowage.governance.LegalHolds.NewHold;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Legal holds: {@code /api/v1/holds} lists them all, {@code /api/v1/repositories/<name>/-/holds} those of a
 * repository, where they are placed and released.
 */
@RestController
@Tag(name = "holds", description = "Legal holds on tags and manifests: nothing deletes them until released")
class HoldAdminController {

    private final LegalHolds holds;

    HoldAdminController(LegalHolds holds) {
        this.holds = holds;
    }

    @GetMapping("/api/v1/holds")
    @Operation(operationId = "listHolds", summary = "Every hold (administrators)")
    List<HoldView> listAll(@RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return holds.list(caller);
    }

    @GetMapping("/api/v1/repositories/{name}/-/holds")
    @Operation(operationId = "listRepositoryHolds", summary = "A repository's holds (whoever manages it)")
    List<HoldView> list(@Parameter(description = "repository name, slashes included") @PathVariable String name,
                        @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return holds.list(caller, name);
    }

    @PostMapping("/api/v1/repositories/{name}/-/holds")
    @Operation(operationId = "placeHold", summary = "Hold a tag or a manifest (by digest) with a reason; a held tag "
            + "neither moves nor goes, a held manifest is never deleted (whoever manages the repository)")
    ResponseEntity<HoldView> place(
            @Parameter(description = "repository name, slashes included") @PathVariable String name,
            @Valid @RequestBody NewHold hold, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        HoldView placed = holds.place(caller, name, hold);
        URI location = UriComponentsBuilder.fromPath("/api/v1/repositories/" + name + "/-/holds/{id}")
                .build(placed.id());
        return ResponseEntity.created(location).body(placed);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/api/v1/repositories/{name}/-/holds/{id}")
    @Operation(operationId = "releaseHold",
            summary = "Release a hold, with a reason (administrators and the owners of the namespace)")
    void release(@Parameter(description = "repository name, slashes included") @PathVariable String name,
                 @PathVariable long id,
                 @Parameter(description = "why the hold ends") @RequestParam(required = false) String reason,
                 @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        holds.release(caller, name, id, reason);
    }
}
