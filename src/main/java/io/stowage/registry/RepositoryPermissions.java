package io.stowage.registry;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.Actions;
import io.stowage.accounts.Actor;
import io.stowage.accounts.Identity;
import org.springframework.stereotype.Component;

/**
 * Who may do what to a repository through the admin API. Administrators manage every repository and a user the
 * repositories of their own namespace ({@code <username>/...}); reading what {@code /v2/} shows anyway (tags) needs
 * only the right to pull, and describing a repository the right to push to it, as whoever publishes its images would. A caller who may not is refused before the repository is looked up, so a 404 never tells
 * them that a repository does not exist.
 */
@Component
class RepositoryPermissions {

    private final RepositoryAccess access;

    RepositoryPermissions(RepositoryAccess access) {
        this.access = access;
    }

    /** Throws 400 for an invalid name, 403 unless the caller manages the repository. */
    void requireManage(Actor caller, String name) {
        requireValidName(name);
        Identity identity = caller.identity();
        boolean owner = identity.kind() == Identity.Kind.USER && name.startsWith(identity.subject() + "/");
        if (!caller.admin() && !owner) {
            throw ActionRefused.forbidden("only administrators and the owner of its namespace may manage " + name);
        }
    }

    /** Throws 400 for an invalid name, 403 unless the caller may pull from the repository. */
    void requirePull(Actor caller, String name) {
        requireValidName(name);
        if (!access.allowedActions(caller.identity(), name).contains(Actions.PULL)) {
            throw ActionRefused.forbidden("pulling from " + name + " is not allowed");
        }
    }

    /** Throws 400 for an invalid name, 403 unless the caller may push to the repository. */
    void requirePush(Actor caller, String name) {
        requireValidName(name);
        if (!access.allowedActions(caller.identity(), name).contains(Actions.PUSH)) {
            throw ActionRefused.forbidden("pushing to " + name + " is not allowed");
        }
    }

    private static void requireValidName(String name) {
        if (!RepositoryName.isValid(name)) {
            String shown = name.length() > 80 ? name.substring(0, 80) + "…" : name;
            throw ActionRefused.invalid("invalid repository name: " + shown);
        }
    }
}
