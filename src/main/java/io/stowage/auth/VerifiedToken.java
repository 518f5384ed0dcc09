package io.stowage.auth;

import java.time.Instant;
import java.util.List;

/**
 * What a verified token says: its subject (empty for anonymous), the access it grants, when it expires, and, for a
 * token of a trusted external issuer, that issuer (null for Stowage's own tokens). An external token's subject is a
 * name in that issuer's world, not one of Stowage's users, however alike they look. {@code accessToken} is the id of the
 * personal access token the sign-in it was issued for used ({@link TokenIssuer#ACCESS_TOKEN_CLAIM}), or null.
 */
public record VerifiedToken(String subject, List<Access> access, Instant expiresAt, String externalIssuer,
                            Long accessToken) {

    /** A token of Stowage's own issuer, for a sign-in without a personal access token. */
    public VerifiedToken(String subject, List<Access> access, Instant expiresAt) {
        this(subject, access, expiresAt, null, null);
    }

    public boolean external() {
        return externalIssuer != null;
    }

    /** Whether the token grants {@code action} on the resource {@code type:name}; {@code *} grants every action. */
    public boolean allows(String type, String name, String action) {
        return access.stream().anyMatch(a -> a.type().equals(type) && a.name().equals(name)
                && (a.actions().contains(action) || a.actions().contains("*")));
    }
}
