package io.stowage.admin;

import java.util.List;

import io.stowage.accounts.Actor;
import io.stowage.proxy.UpstreamAdministration;
import io.stowage.proxy.UpstreamAdministration.UpstreamSummary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/upstreams}: the upstream registries of the pull-through cache (administrators). */
@RestController
@RequestMapping("/api/v1/upstreams")
@Tag(name = "upstreams", description = "The upstream registries of the pull-through cache")
class UpstreamAdminController {

    private final UpstreamAdministration upstreams;

    UpstreamAdminController(UpstreamAdministration upstreams) {
        this.upstreams = upstreams;
    }

    /** The configured upstreams. */
    record Upstreams(List<UpstreamSummary> upstreams) {
    }

    @GetMapping
    @Operation(operationId = "listUpstreams", summary = "The upstreams of the pull-through cache as configured"
            + " (never their passwords), with how many repositories the cache holds of each")
    Upstreams list(@RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return new Upstreams(upstreams.list(caller));
    }
}
