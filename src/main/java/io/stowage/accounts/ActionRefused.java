package io.stowage.accounts;

/**
 * A request a service refuses (invalid, forbidden, unknown, a name taken, a conflict), with the HTTP status and the
 * stable {@code error} code every surface answers it with: problem details on the admin API, a page or a message in
 * the UI.
 */
public class ActionRefused extends RuntimeException {

    private final int status;
    private final String code;

    public ActionRefused(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public static ActionRefused invalid(String message) {
        return new ActionRefused(400, "invalid_request", message);
    }

    public static ActionRefused forbidden(String message) {
        return new ActionRefused(403, "forbidden", message);
    }

    public static ActionRefused notFound(String message) {
        return new ActionRefused(404, "not_found", message);
    }

    /** The name is in use already. */
    public static ActionRefused nameTaken(String message) {
        return new ActionRefused(409, "name_taken", message);
    }

    /** The change contradicts the current state (e.g. an administrator demoting themselves). */
    public static ActionRefused conflict(String message) {
        return new ActionRefused(409, "conflict", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
