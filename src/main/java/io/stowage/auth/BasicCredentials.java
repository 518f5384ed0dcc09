package io.stowage.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Username and password from an {@code Authorization: Basic ...} header. */
public record BasicCredentials(String username, String password) {

    /** Parses the header; throws {@link MalformedException} when it is not well-formed basic credentials. */
    public static BasicCredentials parse(String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new MalformedException("only Basic credentials are accepted here");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedException("malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new MalformedException("malformed Basic credentials");
        }
        return new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    @Override
    public String toString() {
        return "BasicCredentials[username=" + username + "]"; // never the password, should it reach a log
    }

    /** The header is not {@code Basic base64(username:password)}. */
    public static final class MalformedException extends RuntimeException {
        MalformedException(String message) {
            super(message);
        }
    }
}
