package io.stowage.auth;

/** A {@code scope} parameter that does not follow the token scope grammar. */
public class InvalidScopeException extends RuntimeException {

    public InvalidScopeException(String message) {
        super(message);
    }
}
