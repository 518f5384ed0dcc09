package io.stowage.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.stowage.auth.Identity;
import io.stowage.metadata.RepositoryRecord;
import io.stowage.metadata.RepositoryRecords;
import io.stowage.registry.RepositoryName;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A repository's settings: its visibility (public repositories may be pulled by anyone, without signing in) and its
 * description. Administrators manage every repository, a user the repositories of their own namespace
 * ({@code <username>/...}).
 */
@Service
public class RepositoryAdministration {

    public static final String PUBLIC = "public";
    public static final String PRIVATE = "private";
    static final int MAX_DESCRIPTION = 4096;

    private final RepositoryRecords records;
    private final StorageAdministration storage;
    private final AdminAudit audit;

    public RepositoryAdministration(RepositoryRecords records, StorageAdministration storage, AdminAudit audit) {
        this.records = records;
        this.storage = storage;
        this.audit = audit;
    }

    /** A repository's settings, and the storage it occupies, as the admin API shows them. */
    public record RepositorySettings(String name, String visibility, String description,
                                     StorageAdministration.StorageFigures storage) {
    }

    /** The settings to change; a missing (null) field stays as it is. */
    public record RepositoryChanges(String visibility, String description) implements StrictRequestBody {
    }

    public RepositorySettings get(AdminCaller caller, String name) {
        checkManages(caller, name);
        return records.find(name).map(this::settings)
                .orElseThrow(() -> AdminException.notFound("no repository named " + name));
    }

    /** Applies the changes, creating the repository (empty) if needed, so that it can be made public before a push. */
    @Transactional
    public RepositorySettings update(AdminCaller caller, String name, RepositoryChanges changes) {
        checkManages(caller, name);
        if (changes == null) {
            throw AdminException.invalid("a JSON object with visibility and/or description is expected");
        }
        String visibility = changes.visibility();
        if (visibility != null && !visibility.equals(PUBLIC) && !visibility.equals(PRIVATE)) {
            throw AdminException.invalid("visibility must be \"public\" or \"private\", not \"" + visibility + "\"");
        }
        String description = changes.description();
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw AdminException.invalid("description is longer than " + MAX_DESCRIPTION + " characters");
        }
        records.update(name, visibility, description);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("visibility", visibility);
        detail.put("description", description);
        audit.record(caller, AdminAudit.REPOSITORY_UPDATE, name, detail);
        return records.find(name).map(this::settings).orElseThrow();
    }

    private static void checkManages(AdminCaller caller, String name) {
        if (!RepositoryName.isValid(name)) {
            String shown = name.length() > 80 ? name.substring(0, 80) + "…" : name;
            throw AdminException.invalid("invalid repository name: " + shown);
        }
        Identity identity = caller.identity();
        boolean owner = identity.kind() == Identity.Kind.USER && name.startsWith(identity.subject() + "/");
        if (!caller.admin() && !owner) {
            throw AdminException.forbidden("only administrators and the owner of its namespace may manage " + name);
        }
    }

    private RepositorySettings settings(RepositoryRecord record) {
        return new RepositorySettings(record.name(), record.visibility(), record.description(),
                storage.repository(record.id()));
    }
}
