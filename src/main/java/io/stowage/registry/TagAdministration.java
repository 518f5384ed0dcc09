package io.stowage.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.Actor;
import io.stowage.accounts.ChangeAudit;
import io.stowage.metadata.RepositoryRecords;
import io.stowage.metadata.TagRecord;
import io.stowage.metadata.TagRecords;
import org.springframework.stereotype.Service;

/**
 * A repository's tags: listed by whoever may pull from it, deleted by whoever manages it. A tag is deleted exactly as
 * {@code DELETE /v2/<name>/manifests/<tag>} deletes it, so the manifest it pointed to is reviewed by the garbage
 * collector the same way.
 */
@Service
public class TagAdministration {

    private final RepositoryRecords repositories;
    private final TagRecords tags;
    private final ManifestService manifests;
    private final RepositoryPermissions permissions;
    private final ChangeAudit audit;

    TagAdministration(RepositoryRecords repositories, TagRecords tags, ManifestService manifests,
                      RepositoryPermissions permissions, ChangeAudit audit) {
        this.repositories = repositories;
        this.tags = tags;
        this.manifests = manifests;
        this.permissions = permissions;
        this.audit = audit;
    }

    /** A page of tags in byte order of their names; {@code nextLast} is what to pass as {@code last} next, or null. */
    public record TagPage(List<TagRecord> tags, String nextLast) {
    }

    /** Up to {@code limit} tags after {@code last}. */
    public TagPage list(Actor caller, String repository, String last, int limit) {
        permissions.requirePull(caller, repository);
        String after = last == null || last.isEmpty() ? null : last;
        if (after != null && !Tags.isValid(after)) {
            throw ActionRefused.invalid("last must be a tag name");
        }
        long id = repositories.findId(repository)
                .orElseThrow(() -> ActionRefused.notFound("no repository named " + repository));
        List<TagRecord> rows = tags.listWithManifests(id, after, limit + 1);
        if (rows.size() <= limit) {
            return new TagPage(rows, null);
        }
        List<TagRecord> page = List.copyOf(rows.subList(0, limit));
        return new TagPage(page, page.getLast().name());
    }

    /** Whether the caller may delete the repository's tags (what {@link #delete} requires). */
    public boolean mayDelete(Actor caller, String repository) {
        try {
            permissions.requireManage(caller, repository);
            return true;
        } catch (ActionRefused e) {
            return false;
        }
    }

    /**
     * Deletes the tag (the manifest stays, for the collector to review); recorded once committed. A tag immutability
     * rules cover goes only when the namespace's owner or an administrator gives a {@code reason}; a held tag never.
     */
    public void delete(Actor caller, String repository, String tag, String reason) {
        permissions.requireManage(caller, repository);
        if (!Tags.isValid(tag)) {
            throw ActionRefused.invalid("invalid tag: " + (tag.length() > 80 ? tag.substring(0, 80) + "…" : tag));
        }
        ReleaseProtection.Exemption override = Overrides.of(caller, repository, reason, permissions);
        ManifestService.DeletedTag deleted;
        try {
            deleted = manifests.deleteTag(repository, tag, override);
        } catch (RegistryException e) {
            throw RegistryRefusal.of(e);
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("digest", deleted.digest());
        if (deleted.overriddenRule() != null) {
            detail.put("immutableBy", deleted.overriddenRule());
            detail.put("reason", reason);
        }
        audit.record(caller, ChangeAudit.TAG_DELETE, repository + ":" + tag, detail);
    }
}
