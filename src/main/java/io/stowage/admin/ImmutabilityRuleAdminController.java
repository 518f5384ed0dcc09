package io.stowage.admin;

import java.net.URI;
import java.util.List;

import io.stowage.accounts.Actor;
import io.stowage.governance.ImmutabilityRules;
import io.stowage.governance.ImmutabilityRules.NewRule;
import io.stowage.governance.ImmutabilityRules.RuleView;
import io.swagger.v3.oas.annotations.Operation;
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
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/** {@code /api/v1/immutability-rules}: which tags of which repositories keep the manifest they were pushed with. */
@RestController
@RequestMapping("/api/v1/immutability-rules")
@Tag(name = "immutability", description = "Immutability rules: tags matching a pattern, in repositories matching "
        + "another, cannot move nor be deleted (administrators; the owners of a namespace for patterns inside it)")
class ImmutabilityRuleAdminController {

    private final ImmutabilityRules rules;

    ImmutabilityRuleAdminController(ImmutabilityRules rules) {
        this.rules = rules;
    }

    @GetMapping
    @Operation(operationId = "listImmutabilityRules",
            summary = "Every rule (administrators), or those of the namespaces the caller owns")
    List<RuleView> list(@RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return rules.list(caller);
    }

    @PostMapping
    @Operation(operationId = "createImmutabilityRule", summary = "Create a rule: repository is a pattern such as "
            + "acme/*, tags globs such as v* and [0-9]*, except globs such as *-rc* and latest")
    ResponseEntity<RuleView> create(@Valid @RequestBody NewRule rule, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        RuleView created = rules.create(caller, rule);
        URI location = UriComponentsBuilder.fromPath("/api/v1/immutability-rules/{id}").build(created.id());
        return ResponseEntity.created(location).body(created);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteImmutabilityRule", summary = "Delete a rule: its tags may move again")
    void delete(@PathVariable long id, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        rules.delete(caller, id);
    }
}
