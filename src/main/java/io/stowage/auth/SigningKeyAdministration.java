package io.stowage.auth;

import java.time.Instant;
import java.util.List;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.Actor;
import io.stowage.accounts.ChangeAudit;
import io.stowage.metadata.SigningKeyRecords;
import io.stowage.metadata.SigningKeySummary;
import org.springframework.stereotype.Service;

/**
 * The keys tokens are signed with, for administrators: list them (never their private halves), rotate (a new key
 * signs from now on; tokens of older keys keep verifying) and retire a key (its tokens stop verifying, on other nodes
 * within a minute). Rotate first, then retire the old key once its tokens have expired.
 */
@Service
public class SigningKeyAdministration {

    private final SigningKeys keys;
    private final SigningKeyRecords records;
    private final ChangeAudit audit;

    public SigningKeyAdministration(SigningKeys keys, SigningKeyRecords records, ChangeAudit audit) {
        this.keys = keys;
        this.records = records;
        this.audit = audit;
    }

    /** A signing key as the admin API shows it; {@code signing} marks the one new tokens are signed with. */
    public record SigningKeyView(String kid, String algorithm, Instant createdAt, Instant retiredAt, boolean signing) {
    }

    public List<SigningKeyView> list(Actor caller) {
        caller.requireAdmin();
        String signing = keys.signingKey().getKeyID();
        return records.summaries().stream().map(key -> view(key, signing)).toList();
    }

    public SigningKeyView get(Actor caller, String kid) {
        caller.requireAdmin();
        return view(find(kid), keys.signingKey().getKeyID());
    }

    public SigningKeyView rotate(Actor caller) {
        caller.requireAdmin();
        String kid = keys.rotate();
        audit.record(caller, ChangeAudit.KEY_ROTATE, kid, null);
        return view(find(kid), keys.signingKey().getKeyID());
    }

    public void retire(Actor caller, String kid) {
        caller.requireAdmin();
        SigningKeySummary key = find(kid);
        if (key.retiredAt() != null) {
            throw ActionRefused.conflict("signing key " + kid + " was retired at " + key.retiredAt());
        }
        keys.retire(kid);
        audit.record(caller, ChangeAudit.KEY_RETIRE, kid, null);
    }

    private SigningKeySummary find(String kid) {
        return records.summaries().stream().filter(k -> k.kid().equals(kid)).findFirst()
                .orElseThrow(() -> ActionRefused.notFound("no signing key " + kid));
    }

    private static SigningKeyView view(SigningKeySummary key, String signingKid) {
        return new SigningKeyView(key.kid(), key.algorithm(), key.createdAt(), key.retiredAt(),
                key.kid().equals(signingKid));
    }
}
