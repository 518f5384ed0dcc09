package io.stowage.admin;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.Actor;
import io.stowage.registry.RepositoryAdministration.RepositoryChanges;
import io.stowage.registry.RepositoryAdministration.RepositorySettings;
import io.stowage.registry.RepositoryAdministration;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/repositories/<name>}: a repository's visibility and description, and deleting it. */
@RestController
@RequestMapping("/api/v1/repositories")
@Tag(name = "repositories", description = "Visibility and description of repositories, and their deletion")
class RepositoryAdminController {

    private final RepositoryAdministration repositories;

    RepositoryAdminController(RepositoryAdministration repositories) {
        this.repositories = repositories;
    }

    // {*name} takes the rest of the path: repository names contain slashes.
    @GetMapping("/{*name}")
    @Operation(operationId = "getRepository",
            summary = "A repository's settings (administrators, and users for their own namespace)")
    RepositorySettings get(@Parameter(description = "repository name, slashes included") @PathVariable String name,
                           @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return repositories.get(caller, name(name));
    }

    @PutMapping("/{*name}")
    @Operation(operationId = "updateRepository",
            summary = "Change visibility and/or description, creating the repository if needed (administrators, and "
                    + "users for their own namespace; the description alone, whoever may push to the repository)")
    RepositorySettings put(@Parameter(description = "repository name, slashes included") @PathVariable String name,
                           @Valid @RequestBody RepositoryChanges changes,
                           @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return repositories.update(caller, name(name), changes);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{*name}")
    @Operation(operationId = "deleteRepository", summary = "Delete a repository with its tags, manifests and settings; "
            + "garbage collection then deletes, after its review delay, the blobs no other repository uses "
            + "(administrators, and users for their own namespace). A repository with tags immutability rules cover "
            + "goes only with a reason, from an administrator or the namespace's owner (audited); one with anything "
            + "on legal hold never")
    void delete(@Parameter(description = "repository name, slashes included") @PathVariable String name,
                @Parameter(description = "why immutable tags are deleted anyway (administrators and the namespace's "
                        + "owners)") @RequestParam(required = false) String reason,
                @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        repositories.delete(caller, name(name), reason);
    }

    /**
     * The name {@code {*name}} captured. A {@code -} component marks a resource of a repository
     * ({@code <name>/-/tags}), never a name: a path with one that no resource mapping took is an unknown endpoint.
     */
    private static String name(String captured) {
        String name = captured.startsWith("/") ? captured.substring(1) : captured;
        if (name.equals("-") || name.startsWith("-/") || name.contains(RepositoryPathFilter.SEPARATOR)
                || name.endsWith("/-")) {
            throw ActionRefused.notFound("no such endpoint: /api/v1/repositories" + captured);
        }
        return name;
    }
}
