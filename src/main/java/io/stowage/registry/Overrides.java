package io.stowage.registry;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.Actor;

/** An explicit deletion of what immutability rules protect: a reason, from the namespace's owner. */
final class Overrides {

    static final int MAX_REASON = 1024;

    private Overrides() {
    }

    /** Null without a reason; else the override, once the caller is found to own the namespace. */
    static ReleaseProtection.Exemption of(Actor caller, String repository, String reason,
                                         RepositoryPermissions permissions) {
        if (reason == null) {
            return null;
        }
        if (reason.isBlank() || reason.length() > MAX_REASON) {
            throw ActionRefused.invalid("a reason of 1 to " + MAX_REASON + " characters is expected");
        }
        permissions.requireOwner(caller, repository, "delete what immutability rules protect");
        return new ReleaseProtection.Exemption(caller.actor(), reason.strip());
    }
}
