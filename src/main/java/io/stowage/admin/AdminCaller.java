package io.stowage.admin;

import java.util.List;

import io.stowage.auth.Identity;

/** Who is calling the admin API, as {@link AdminAuthenticationFilter} established it, and from which address. */
public record AdminCaller(Identity identity, String address) {

    /** The request attribute holding the caller. */
    public static final String ATTRIBUTE = "io.stowage.admin.caller";

    /** Anyone, treated as an administrator: {@code stowage.auth.mode=none}, where /v2/ is open to all as well. */
    static AdminCaller unrestricted(String address) {
        return new AdminCaller(new Identity("", Identity.Kind.ANONYMOUS, true, List.of()), address);
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
            throw AdminException.forbidden("only administrators may do this");
        }
    }
}
