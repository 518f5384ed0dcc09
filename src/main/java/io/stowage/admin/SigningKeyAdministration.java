package io.stowage.admin;

import java.time.Instant;
import java.util.List;

import io.stowage.auth.SigningKeys;
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
    private final AdminAudit audit;

    public SigningKeyAdministration(SigningKeys keys, SigningKeyRecords records, AdminAudit audit) {
        this.keys = keys;
        this.records = records;
        this.audit = audit;
    }

    /** A signing key as the admin API shows it; {@code signing} marks the one new tokens are signed with. */
    public record SigningKeyView(String kid, String algorithm, Instant createdAt, Instant retiredAt, boolean signing) {
    }

    public List<SigningKeyView> list(AdminCaller caller) {
        caller.requireAdmin();
        String signing = keys.signingKey().getKeyID();
        return records.summaries().stream().map(key -> view(key, signing)).toList();
    }

    public SigningKeyView get(AdminCaller caller, String kid) {
        caller.requireAdmin();
        return view(find(kid), keys.signingKey().getKeyID());
    }

    public SigningKeyView rotate(AdminCaller caller) {
        caller.requireAdmin();
        String kid = keys.rotate();
        audit.record(caller, AdminAudit.KEY_ROTATE, kid, null);
        return view(find(kid), keys.signingKey().getKeyID());
    }

    public void retire(AdminCaller caller, String kid) {
        caller.requireAdmin();
        SigningKeySummary key = find(kid);
        if (key.retiredAt() != null) {
            throw AdminException.conflict("signing key " + kid + " was retired at " + key.retiredAt());
        }
        keys.retire(kid);
        audit.record(caller, AdminAudit.KEY_RETIRE, kid, null);
    }

    private SigningKeySummary find(String kid) {
        return records.summaries().stream().filter(k -> k.kid().equals(kid)).findFirst()
                .orElseThrow(() -> AdminException.notFound("no signing key " + kid));
    }

    private static SigningKeyView view(SigningKeySummary key, String signingKid) {
        return new SigningKeyView(key.kid(), key.algorithm(), key.createdAt(), key.retiredAt(),
                key.kid().equals(signingKid));
    }
}
