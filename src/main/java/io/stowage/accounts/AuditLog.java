package io.stowage.accounts;

import io.stowage.metadata.AuditRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The audit trail: login failures, pushes, deletes and permission changes, each with who (the subject, empty for
 * anonymous), from which address, what and on which target. Never a secret: callers pass names, not credentials.
 */
@Service
public class AuditLog {

    public static final String LOGIN_FAILED = "login.failed";
    public static final String MANIFEST_PUSH = "manifest.push";
    public static final String MANIFEST_DELETE = "manifest.delete";
    public static final String TAG_DELETE = "tag.delete";
    public static final String BLOB_DELETE = "blob.delete";

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final int MAX_FIELD = 300;
    private static final int MAX_DETAIL = 2000;

    private final AuditRecords records;

    public AuditLog(AuditRecords records) {
        this.records = records;
    }

    /**
     * Stores the event exactly as given and logs it as one line: the actor, target, address and detail may come from
     * an unauthenticated client (a username typed at the token endpoint), so the line holds them sanitised.
     */
    public void record(String actor, String address, String action, String target, String detail) {
        records.insert(actor, address, action, target, detail);
        log.info("audit: {} {} {} from {}{}", actor.isEmpty() ? "(anonymous)" : LogText.of(actor, MAX_FIELD),
                action, LogText.of(target, MAX_FIELD), LogText.of(address, MAX_FIELD),
                detail == null ? "" : " " + LogText.of(detail, MAX_DETAIL));
    }
}
