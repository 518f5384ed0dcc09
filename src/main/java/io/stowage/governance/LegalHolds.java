package io.stowage.governance;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.Actor;
import io.stowage.accounts.ChangeAudit;
import io.stowage.accounts.StrictRequestBody;
import io.stowage.metadata.HoldRecords;
import io.stowage.metadata.ManifestRecords;
import io.stowage.metadata.RepositoryRecords;
import io.stowage.metadata.TagRecords;
import io.stowage.registry.Digest;
import io.stowage.registry.RepositoryName;
import io.stowage.registry.Tags;
import jakarta.validation.constraints.NotNull;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Legal holds on tags and manifests, for release audits: while held, nothing deletes them (no client, no
 * administrator, no collector, no retention policy) and a held tag does not move. Whoever manages a repository may
 * place a hold; only administrators and the namespace's owners release one. Both need a reason, which the audit log
 * records.
 */
@Service
public class LegalHolds {

    static final String HOLD_PLACE = "hold.place";
    static final String HOLD_RELEASE = "hold.release";
    static final int MAX_REASON = 1024;

    private final HoldRecords holds;
    private final RepositoryRecords repositories;
    private final TagRecords tags;
    private final ManifestRecords manifests;
    private final ChangeAudit audit;

    LegalHolds(HoldRecords holds, RepositoryRecords repositories, TagRecords tags, ManifestRecords manifests,
               ChangeAudit audit) {
        this.holds = holds;
        this.repositories = repositories;
        this.tags = tags;
        this.manifests = manifests;
        this.audit = audit;
    }

    /** A hold to place: on exactly one of a tag and a manifest's digest. */
    public record NewHold(String tag, String digest, @NotNull String reason) implements StrictRequestBody {
    }

    /** A hold as the admin API shows it; exactly one of {@code tag} and {@code digest} is set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HoldView(long id, String repository, String tag, String digest, String reason, String createdBy,
                           Instant createdAt) {
    }

    /** Every hold, for administrators. */
    public List<HoldView> list(Actor caller) {
        caller.requireAdmin();
        return holds.list().stream().map(LegalHolds::view).toList();
    }

    /** The repository's holds, for whoever manages it. */
    public List<HoldView> list(Actor caller, String repository) {
        requireManage(caller, repository);
        long id = repositories.findId(repository)
                .orElseThrow(() -> ActionRefused.notFound("no repository named " + repository));
        return holds.ofRepository(id).stream().map(LegalHolds::view).toList();
    }

    @Transactional
    public HoldView place(Actor caller, String repository, NewHold hold) {
        requireManage(caller, repository);
        if (hold == null || (hold.tag() == null) == (hold.digest() == null)) {
            throw ActionRefused.invalid("a hold is on a tag or on a manifest: give exactly one of tag and digest");
        }
        String reason = reason(hold.reason());
        long repositoryId = repositories.findId(repository)
                .orElseThrow(() -> ActionRefused.notFound("no repository named " + repository));
        long id;
        if (hold.tag() != null) {
            if (!Tags.isValid(hold.tag())) {
                throw ActionRefused.invalid("invalid tag: " + shown(hold.tag()));
            }
            if (!tags.lock(repositoryId, hold.tag())) {
                throw ActionRefused.notFound("no tag " + hold.tag() + " in " + repository);
            }
            id = holds.holdTag(repositoryId, hold.tag(), reason, caller.actor())
                    .orElseThrow(() -> ActionRefused.conflict(repository + ":" + hold.tag() + " is on hold already"));
        } else {
            Digest digest;
            try {
                digest = Digest.parse(hold.digest());
            } catch (RuntimeException e) {
                throw ActionRefused.invalid("invalid digest: " + shown(hold.digest()));
            }
            long manifestId = manifests.lockForDeletion(repositoryId, digest.toString())
                    .orElseThrow(() -> ActionRefused.notFound("no manifest " + digest + " in " + repository));
            id = holds.holdManifest(repositoryId, manifestId, reason, caller.actor())
                    .orElseThrow(() -> ActionRefused.conflict(repository + "@" + digest + " is on hold already"));
        }
        HoldView placed = view(holds.find(id).orElseThrow());
        audit.record(caller, HOLD_PLACE, target(placed), Map.of("id", id, "reason", reason));
        return placed;
    }

    /** Releases a hold; its repository's owners and administrators only, with a reason. */
    @Transactional
    public void release(Actor caller, String repository, long id, String reason) {
        requireManage(caller, repository);
        HoldView hold = holds.find(id).map(LegalHolds::view).filter(h -> h.repository().equals(repository))
                .orElseThrow(() -> ActionRefused.notFound("no hold with id " + id + " on " + repository));
        if (!caller.identity().ownsNamespaceOf(repository)) {
            throw ActionRefused.forbidden("only administrators and the owners of its namespace may release a hold");
        }
        String why = reason(reason);
        holds.delete(id);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("id", id);
        detail.put("reason", why);
        detail.put("placedBy", hold.createdBy());
        detail.put("placedFor", hold.reason());
        audit.record(caller, HOLD_RELEASE, target(hold), detail);
    }

    private static void requireManage(Actor caller, String repository) {
        if (repository == null || !RepositoryName.isValid(repository)) {
            throw ActionRefused.invalid("invalid repository name: " + shown(repository));
        }
        if (!caller.identity().manages(repository)) {
            throw ActionRefused.forbidden("only administrators, the owner of its namespace and its organization's"
                    + " maintainers may manage the holds of " + repository);
        }
    }

    private static String reason(String reason) {
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
            throw ActionRefused.invalid("a reason of 1 to " + MAX_REASON + " characters is expected");
        }
        return reason.strip();
    }

    private static String target(HoldView hold) {
        return hold.tag() != null ? hold.repository() + ":" + hold.tag() : hold.repository() + "@" + hold.digest();
    }

    private static String shown(String text) {
        return text == null ? "" : text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    static HoldView view(HoldRecords.Row row) {
        return new HoldView(row.id(), row.repository(), row.tag(), row.digest(), row.reason(), row.createdBy(),
                row.createdAt());
    }
}
