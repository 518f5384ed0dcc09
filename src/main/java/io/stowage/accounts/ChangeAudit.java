package io.stowage.accounts;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit records of changes made through the services (from the admin API or the UI alike): who, from where, what,
 * and the change as JSON.
 */
@Component
public class ChangeAudit {

    public static final String REPOSITORY_UPDATE = "repository.update";
    public static final String REPOSITORY_DELETE = "repository.delete";
    /** The same action as a tag deleted through /v2/, so that one filter finds both. */
    public static final String TAG_DELETE = AuditLog.TAG_DELETE;
    public static final String USER_CREATE = "user.create";
    public static final String USER_UPDATE = "user.update";
    public static final String USER_DELETE = "user.delete";
    public static final String ROBOT_CREATE = "robot.create";
    public static final String ROBOT_UPDATE = "robot.update";
    public static final String ROBOT_DELETE = "robot.delete";
    public static final String POLICY_CREATE = "policy.create";
    public static final String POLICY_DELETE = "policy.delete";
    public static final String KEY_ROTATE = "key.rotate";
    public static final String KEY_RETIRE = "key.retire";
    public static final String GC_RUN = "gc.run";
    public static final String TOKEN_CREATE = "token.create";
    public static final String TOKEN_REVOKE = "token.revoke";

    private final JsonMapper json = JsonMapper.builder().build();
    private final AuditLog log;

    public ChangeAudit(AuditLog log) {
        this.log = log;
    }

    /** Records the change; {@code detail} (never a secret) becomes a JSON object, null fields left out. */
    public void record(Actor caller, String action, String target, Map<String, ?> detail) {
        String text = null;
        if (detail != null) {
            Map<String, Object> present = new LinkedHashMap<>();
            detail.forEach((key, value) -> {
                if (value != null) {
                    present.put(key, value);
                }
            });
            text = present.isEmpty() ? null : json.writeValueAsString(present);
        }
        log.record(caller.actor(), caller.address(), action, target, text);
    }
}
