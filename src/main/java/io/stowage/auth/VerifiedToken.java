package io.stowage.auth;

import java.time.Instant;
import java.util.List;

/** What a verified token says: its subject (empty for anonymous), the access it grants, and when it expires. */
public record VerifiedToken(String subject, List<Access> access, Instant expiresAt) {

    /** Whether the token grants {@code action} on the resource {@code type:name}; {@code *} grants every action. */
    public boolean allows(String type, String name, String action) {
        return access.stream().anyMatch(a -> a.type().equals(type) && a.name().equals(name)
                && (a.actions().contains(action) || a.actions().contains("*")));
    }
}
