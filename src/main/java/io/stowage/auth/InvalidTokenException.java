package io.stowage.auth;

/** A bearer token Stowage does not accept: malformed, signed by an unknown key, expired, or meant for someone else. */
public class InvalidTokenException extends Exception {

    public InvalidTokenException(String message) {
        super(message);
    }

    public InvalidTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
