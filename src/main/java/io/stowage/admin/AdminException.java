package io.stowage.admin;

import io.stowage.registry.ErrorCode;
import io.stowage.registry.RegistryException;

/** A request the admin API refuses, with its HTTP status and the {@code error} code of the JSON body. */
public class AdminException extends RuntimeException {

    private final int status;
    private final String code;

    public AdminException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public static AdminException invalid(String message) {
        return new AdminException(400, "invalid_request", message);
    }

    public static AdminException forbidden(String message) {
        return new AdminException(403, "forbidden", message);
    }

    public static AdminException notFound(String message) {
        return new AdminException(404, "not_found", message);
    }

    /** The name is in use already. */
    public static AdminException nameTaken(String message) {
        return new AdminException(409, "name_taken", message);
    }

    /** The change contradicts the current state (e.g. an administrator demoting themselves). */
    public static AdminException conflict(String message) {
        return new AdminException(409, "conflict", message);
    }

    /** The admin API's answer when the registry's services refuse what it asked for. */
    static AdminException refused(RegistryException e) {
        if (e.code() == ErrorCode.UNSUPPORTED) {
            // stowage.registry.delete-enabled is off.
            return forbidden(e.getMessage());
        }
        return switch (e.status()) {
            case 400 -> invalid(e.getMessage());
            case 404 -> notFound(e.getMessage());
            case 409 -> conflict(e.getMessage());
            default -> throw e;
        };
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
