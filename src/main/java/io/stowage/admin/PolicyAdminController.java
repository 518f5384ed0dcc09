package io.stowage.admin;

import java.net.URI;
import java.util.List;

import io.stowage.accounts.Actor;
import io.stowage.accounts.PolicyAdministration.NewPolicy;
import io.stowage.accounts.PolicyAdministration.PolicyView;
import io.stowage.accounts.PolicyAdministration;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/** {@code /api/v1/policies}: who may do what on which repositories (administrators only). */
@RestController
@RequestMapping("/api/v1/policies")
@Tag(name = "policies", description = "Access policies: a user or robot may act on repositories matching a pattern")
class PolicyAdminController {

    private final PolicyAdministration policies;

    PolicyAdminController(PolicyAdministration policies) {
        this.policies = policies;
    }

    @GetMapping
    @Operation(operationId = "listPolicies", summary = "Every policy, or those of one user or robot")
    List<PolicyView> list(
            @Parameter(description = "only this user's policies") @RequestParam(required = false) String user,
            @Parameter(description = "only this robot's policies") @RequestParam(required = false) String robot,
            @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return policies.list(caller, user, robot);
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping
    @Operation(operationId = "createPolicy", summary = "Create a policy for a user or a robot")
    ResponseEntity<PolicyView> create(@Valid @RequestBody NewPolicy policy,
                                      @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        PolicyView created = policies.create(caller, policy);
        URI location = UriComponentsBuilder.fromPath("/api/v1/policies/{id}").build(created.id());
        return ResponseEntity.created(location).body(created);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{id}")
    @Operation(operationId = "deletePolicy", summary = "Delete a policy")
    void delete(@PathVariable long id, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        policies.delete(caller, id);
    }
}
