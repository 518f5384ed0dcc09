package io.stowage.admin;

import io.stowage.accounts.Actor;
import io.stowage.registry.StorageAdministration.NamespaceStorage;
import io.stowage.registry.StorageAdministration.StorageSummary;
import io.stowage.registry.StorageAdministration;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/storage}: storage usage of the registry and of namespaces. */
@RestController
@RequestMapping("/api/v1/storage")
@Tag(name = "storage", description = "Storage usage: logical, stored (deduplicated) and exclusive bytes")
class StorageAdminController {

    private final StorageAdministration storage;

    StorageAdminController(StorageAdministration storage) {
        this.storage = storage;
    }

    @GetMapping
    @Operation(operationId = "getStorage",
            summary = "Totals of the registry and its largest repositories (administrators)")
    StorageSummary summary(
            @Parameter(description = "how many of the largest repositories to list")
            @RequestParam(defaultValue = StorageAdministration.DEFAULT_LARGEST) @Min(0)
            @Max(StorageAdministration.MAX_LARGEST) int n,
            @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return storage.summary(caller, n);
    }

    // {*namespace} takes the rest of the path: a namespace may be any prefix of names, slashes included.
    @GetMapping("/namespaces/{*namespace}")
    @Operation(operationId = "getNamespaceStorage",
            summary = "Usage of the repositories named <namespace>/…, counted together "
                    + "(administrators, and users for their own namespace)")
    NamespaceStorage namespace(
            @Parameter(description = "namespace: the first component of repository names, or a longer prefix")
            @PathVariable String namespace,
            @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return storage.namespace(caller, namespace.startsWith("/") ? namespace.substring(1) : namespace);
    }
}
