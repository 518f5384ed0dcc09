package io.stowage.registry;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.Actor;
import io.stowage.accounts.ChangeAudit;
import io.stowage.accounts.StrictRequestBody;
import io.stowage.metadata.RepositoryRecord;
import io.stowage.metadata.RepositoryRecords;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A repository's settings: its visibility (public repositories may be pulled by anyone, without signing in) and its
 * description; and deleting a repository. Administrators manage every repository, a user the repositories of their
 * own namespace ({@code <username>/...}).
 */
@Service
public class RepositoryAdministration {

    public static final String PUBLIC = "public";
    public static final String PRIVATE = "private";
    public static final int MAX_DESCRIPTION = 4096;

    private final RepositoryRecords records;
    private final RepositoryService repositories;
    private final RepositoryDeletion deletion;
    private final RepositoryPermissions permissions;
    private final StorageAdministration storage;
    private final ChangeAudit audit;

    RepositoryAdministration(RepositoryRecords records, RepositoryService repositories, RepositoryDeletion deletion,
                             RepositoryPermissions permissions, StorageAdministration storage, ChangeAudit audit) {
        this.records = records;
        this.repositories = repositories;
        this.deletion = deletion;
        this.permissions = permissions;
        this.storage = storage;
        this.audit = audit;
    }

    /**
     * A repository's settings, the storage it occupies, and its manifests' pulls (written every few seconds, so up to
     * that much behind), as the admin API shows them.
     */
    public record RepositorySettings(String name, String visibility, String description,
                                     StorageAdministration.StorageFigures storage, long pulls,
                                     Instant lastPulledAt) {
    }

    /** The settings to change; a missing (null) field stays as it is. */
    public record RepositoryChanges(String visibility, String description) implements StrictRequestBody {
    }

    public RepositorySettings get(Actor caller, String name) {
        permissions.requireManage(caller, name);
        return records.find(name).map(this::settings)
                .orElseThrow(() -> ActionRefused.notFound("no repository named " + name));
    }

    /**
     * Applies the changes, creating the repository (empty) if needed, so that it can be made public before a push.
     * Visibility is for those who manage the repository; a description alone, for those who may describe it.
     */
    @Transactional
    public RepositorySettings update(Actor caller, String name, RepositoryChanges changes) {
        if (changes != null && changes.visibility() == null && changes.description() != null) {
            permissions.requireDescribe(caller, name);
        } else {
            permissions.requireManage(caller, name);
        }
        if (changes == null) {
            throw ActionRefused.invalid("a JSON object with visibility and/or description is expected");
        }
        String visibility = changes.visibility();
        if (visibility != null && !visibility.equals(PUBLIC) && !visibility.equals(PRIVATE)) {
            throw ActionRefused.invalid("visibility must be \"public\" or \"private\", not \"" + visibility + "\"");
        }
        String description = changes.description();
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ActionRefused.invalid("description is longer than " + MAX_DESCRIPTION + " characters");
        }
        // An existing repository's settings change wherever it is (a cached one too); a new one is created as a push
        // would create it, where pushes may go.
        records.update(repositories.exists(name) ? repositories.requireIdForWrite(name)
                : repositories.getOrCreateForWrite(name), visibility, description);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("visibility", visibility);
        detail.put("description", description);
        audit.record(caller, ChangeAudit.REPOSITORY_UPDATE, name, detail);
        return records.find(name).map(this::settings).orElseThrow();
    }

    /**
     * Deletes the repository with its tags, manifests and blob links; the garbage collector deletes, after its
     * review delay, the blobs no other repository uses. Recorded once committed, with what went. Tags immutability
     * rules cover go only when the namespace's owner or an administrator gives a {@code reason}.
     */
    public void delete(Actor caller, String name, String reason) {
        permissions.requireManage(caller, name);
        ReleaseProtection.Exemption override = Overrides.of(caller, name, reason, permissions);
        RepositoryDeletion.Deleted deleted;
        try {
            deleted = deletion.delete(name, override)
                    .orElseThrow(() -> ActionRefused.notFound("no repository named " + name));
        } catch (RegistryException e) {
            throw RegistryRefusal.of(e);
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("tags", deleted.tags());
        detail.put("manifests", deleted.manifests());
        detail.put("blobs", deleted.blobs());
        if (deleted.immutableTags() > 0) {
            detail.put("immutableTags", deleted.immutableTags());
            detail.put("reason", reason);
        }
        audit.record(caller, ChangeAudit.REPOSITORY_DELETE, name, detail);
    }

    private RepositorySettings settings(RepositoryRecord record) {
        return new RepositorySettings(record.name(), record.visibility(), record.description(),
                storage.repository(record.id()), record.pulls(), record.lastPulledAt());
    }
}
