package io.stowage.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.stowage.auth.AuditLog;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** The audit records of changes made through the admin API: who, from where, what, and the change as JSON. */
@Component
class AdminAudit {

    static final String REPOSITORY_UPDATE = "repository.update";
    static final String REPOSITORY_DELETE = "repository.delete";
    /** The same action as a tag deleted through /v2/, so that one filter finds both. */
    static final String TAG_DELETE = AuditLog.TAG_DELETE;
    static final String USER_CREATE = "user.create";
    static final String USER_UPDATE = "user.update";
    static final String USER_DELETE = "user.delete";
    static final String ROBOT_CREATE = "robot.create";
    static final String ROBOT_UPDATE = "robot.update";
    static final String ROBOT_DELETE = "robot.delete";
    static final String POLICY_CREATE = "policy.create";
    static final String POLICY_DELETE = "policy.delete";
    static final String KEY_ROTATE = "key.rotate";
    static final String KEY_RETIRE = "key.retire";
    static final String GC_RUN = "gc.run";

    private final JsonMapper json = JsonMapper.builder().build();
    private final AuditLog log;

    AdminAudit(AuditLog log) {
        this.log = log;
    }

    /** Records the change; {@code detail} (never a secret) becomes a JSON object, null fields left out. */
    void record(AdminCaller caller, String action, String target, Map<String, ?> detail) {
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
