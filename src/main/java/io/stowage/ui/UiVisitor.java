package io.stowage.ui;

import java.util.List;

import io.stowage.accounts.Actor;
import io.stowage.accounts.Identity;

/**
 * Who is looking at a page, as {@link UiVisitorFilter} established it: a signed-in identity, an anonymous visitor, or
 * (with {@code stowage.auth.mode=none}) anybody with every right. The forms' CSRF token is Spring Security's, which
 * Thymeleaf writes into every form it renders with {@code th:action}.
 */
public record UiVisitor(Identity identity, String address, boolean signedIn, boolean authEnabled) {

    static final String ATTRIBUTE = "io.stowage.ui.visitor";

    /** Anyone, allowed everything: auth is off, as on /v2/ and /api/v1/. */
    static UiVisitor unrestricted(String address) {
        return new UiVisitor(new Identity("", Identity.Kind.ANONYMOUS, true, List.of()), address, false, false);
    }

    /** The caller the admin services check, so the UI follows exactly the admin API's rules. */
    public Actor caller() {
        return new Actor(identity, address);
    }

    public boolean admin() {
        return identity.admin();
    }

    /** Sends an anonymous visitor to sign in (when auth is on): the pages behind it are for accounts. */
    void requireSignedIn() {
        if (authEnabled && !signedIn) {
            throw new UiSignInRequired();
        }
    }

    /** The name shown in the header. */
    public String name() {
        return identity.subject();
    }
}
