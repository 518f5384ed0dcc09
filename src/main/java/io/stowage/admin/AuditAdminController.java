package io.stowage.admin;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stowage.accounts.Actor;
import io.stowage.accounts.AuditAdministration.AuditPage;
import io.stowage.accounts.AuditAdministration;
import io.stowage.metadata.AuditEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/audit}: the audit trail, newest first, paginated like the /v2/ listings (administrators only). */
@RestController
@RequestMapping("/api/v1/audit")
@Tag(name = "audit", description = "The audit trail: sign-in failures, pushes, deletes and administrative changes")
class AuditAdminController {

    private final AuditAdministration audit;

    AuditAdminController(AuditAdministration audit) {
        this.audit = audit;
    }

    /** A page of events and, when there are more, the URL of the next page (also in a {@code Link} header). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AuditEvents(List<AuditEvent> events, String next) {
    }

    @GetMapping
    @Operation(operationId = "listAuditEvents",
            summary = "Audit events, newest first; follow next (or the Link header) for older ones")
    ResponseEntity<AuditEvents> list(
            @Parameter(description = "only events of this actor (a username or robot+<name>)")
            @RequestParam(required = false) String actor,
            @Parameter(description = "only events of this action, e.g. login.failed or robot.create")
            @RequestParam(required = false) String action,
            @Parameter(description = "only events older than the event with this id")
            @RequestParam(required = false) @Positive Long before,
            @Parameter(description = "page size") @RequestParam(defaultValue = PageSize.DEFAULT) @Min(1)
            @Max(PageSize.MAX) int n,
            @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        AuditPage page = audit.page(caller, actor, action, before, n);
        if (page.nextBefore() == null) {
            return ResponseEntity.ok(new AuditEvents(page.events(), null));
        }
        // URLEncoder, not UriComponentsBuilder: a '+' (robot+ci) must become %2B, or it would read back as a space.
        StringBuilder next = new StringBuilder("/api/v1/audit?");
        if (actor != null && !actor.isEmpty()) {
            next.append("actor=").append(URLEncoder.encode(actor, StandardCharsets.UTF_8)).append('&');
        }
        if (action != null && !action.isEmpty()) {
            next.append("action=").append(URLEncoder.encode(action, StandardCharsets.UTF_8)).append('&');
        }
        next.append("before=").append(page.nextBefore()).append("&n=").append(page.events().size());
        String url = next.toString();
        return ResponseEntity.ok().header(HttpHeaders.LINK, "<" + url + ">; rel=\"next\"")
                .body(new AuditEvents(page.events(), url));
    }
}
