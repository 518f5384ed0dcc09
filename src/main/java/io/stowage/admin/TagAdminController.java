package io.stowage.admin;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stowage.accounts.Actor;
import io.stowage.metadata.TagRecord;
import io.stowage.registry.TagAdministration.TagPage;
import io.stowage.registry.TagAdministration;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/repositories/<name>/-/tags}: a repository's tags. {@code -} separates the name from the resource,
 * as on GitLab: it is never a component of a repository name ({@link RepositoryPathFilter} makes the name one
 * segment for {@code {name}}).
 */
@RestController
@RequestMapping("/api/v1/repositories/{name}/-/tags")
@Tag(name = "tags", description = "Tags of repositories")
class TagAdminController {

    private final TagAdministration tags;

    TagAdminController(TagAdministration tags) {
        this.tags = tags;
    }

    /** A page of tags and, when there are more, the URL of the next page (also in a {@code Link} header). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RepositoryTags(String name, List<TagRecord> tags, String next) {
    }

    @GetMapping
    @Operation(operationId = "listTags", summary = "A repository's tags in byte order of their names, with the digest "
            + "and media type of the manifest each points to (whoever may pull from the repository)")
    ResponseEntity<RepositoryTags> list(
            @Parameter(description = "repository name, slashes included") @PathVariable String name,
            @Parameter(description = "only tags after this one") @RequestParam(required = false) String last,
            @Parameter(description = "page size") @RequestParam(defaultValue = PageSize.DEFAULT) @Min(1)
            @Max(PageSize.MAX) int n,
            @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        TagPage page = tags.list(caller, name, last, n);
        if (page.nextLast() == null) {
            return ResponseEntity.ok(new RepositoryTags(name, page.tags(), null));
        }
        String next = "/api/v1/repositories/" + name + "/-/tags?last="
                + URLEncoder.encode(page.nextLast(), StandardCharsets.UTF_8) + "&n=" + page.tags().size();
        return ResponseEntity.ok().header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"")
                .body(new RepositoryTags(name, page.tags(), next));
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{tag}")
    @Operation(operationId = "deleteTag", summary = "Delete a tag as DELETE /v2/<name>/manifests/<tag> does: the "
            + "manifest stays until garbage collection finds it unreferenced (administrators, and users for their "
            + "own namespace). A tag immutability rules cover goes only with a reason, from an administrator or the "
            + "namespace's owner (audited); a tag on legal hold never")
    void delete(@Parameter(description = "repository name, slashes included") @PathVariable String name,
                @PathVariable String tag,
                @Parameter(description = "why an immutable tag is deleted anyway (administrators and the namespace's "
                        + "owners)") @RequestParam(required = false) String reason,
                @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        tags.delete(caller, name, tag, reason);
    }
}
