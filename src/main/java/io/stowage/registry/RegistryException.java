package io.stowage.registry;

/** A request the registry refuses, with the OCI error code (and HTTP status) the client gets. */
public class RegistryException extends RuntimeException {

    private final ErrorCode code;
    private final int status;
    private final Object detail;

    public RegistryException(ErrorCode code, String message) {
        this(code, code.status(), message, null);
    }

    public RegistryException(ErrorCode code, int status, String message, Object detail) {
        super(message);
        this.code = code;
        this.status = status;
        this.detail = detail;
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    public Object detail() {
        return detail;
    }
}
