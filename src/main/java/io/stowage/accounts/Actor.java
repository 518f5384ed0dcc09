package io.stowage.accounts;

import java.util.List;

/**
 * Who asks a service to act, and from which address: the caller of the admin API as its authentication established
 * it, or the UI's signed-in visitor. Services check what it may do and record it in the audit trail.
 */
public record Actor(Identity identity, String address) {

    /** The request attribute holding the caller. */
    public static final String ATTRIBUTE = "io.stowage.admin.caller";

    /** Anyone, treated as an administrator: {@code stowage.auth.mode=none}, where /v2/ is open to all as well. */
    public static Actor unrestricted(String address) {
        return new Actor(new Identity("", Identity.Kind.ANONYMOUS, true, List.of()), address);
    }

    /** The name the audit trail records: a username, {@code robot+<name>}, or empty when nobody signed in. */
    public String actor() {
        return identity.subject();
    }

    public boolean admin() {
        return identity.admin();
    }

    /** Whether the caller is the user of that name (not a robot, not an anonymous administrator). */
    public boolean isUser(String username) {
        return identity.kind() == Identity.Kind.USER && identity.subject().equals(username);
    }

    /** Throws 403 unless the caller is an administrator. */
    public void requireAdmin() {
        if (!admin()) {
            throw ActionRefused.forbidden("only administrators may do this");
        }
    }
}
