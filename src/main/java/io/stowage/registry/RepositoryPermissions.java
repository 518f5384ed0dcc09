package io.stowage.registry;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.Actions;
import io.stowage.accounts.Actor;
import io.stowage.accounts.Identity;
import org.springframework.stereotype.Component;

/**
 * Who may do what to a repository through the admin API and the UI. Administrators manage every repository, a user
 * the repositories of their own namespace ({@code <username>/...}) and an organization's maintainers and owners those
 * their roles cover; reading what {@code /v2/} shows anyway (tags) needs only the right to pull, and describing a
 * repository what {@link Identity#mayDescribe} says. A caller who may not is refused before the repository is looked
 * up, so a 404 never tells them that a repository does not exist.
 */
@Component
class RepositoryPermissions {

    private final RepositoryAccess access;

    RepositoryPermissions(RepositoryAccess access) {
        this.access = access;
    }

    /** Throws 400 for an invalid name, 403 unless the caller manages the repository (see {@link Identity#manages}). */
    void requireManage(Actor caller, String name) {
        requireValidName(name);
        if (!caller.identity().manages(name)) {
            throw ActionRefused.forbidden("only administrators, the owner of its namespace and its organization's"
                    + " maintainers may manage " + name);
        }
    }

    /** Throws 400 for an invalid name, 403 unless the caller owns its namespace (see {@link Identity#ownsNamespaceOf}). */
    void requireOwner(Actor caller, String name, String what) {
        requireValidName(name);
        if (!caller.identity().ownsNamespaceOf(name)) {
            throw ActionRefused.forbidden("only administrators and the owners of its namespace may " + what);
        }
    }

    /** Throws 400 for an invalid name, 403 unless the caller may describe the repository. */
    void requireDescribe(Actor caller, String name) {
        requireValidName(name);
        if (!caller.identity().mayDescribe(name)) {
            throw ActionRefused.forbidden("describing " + name + " is not allowed");
        }
    }

    /** Throws 400 for an invalid name, 403 unless the caller may pull from the repository. */
    void requirePull(Actor caller, String name) {
        requireValidName(name);
        if (!access.allowedActions(caller.identity(), name).contains(Actions.PULL)) {
            throw ActionRefused.forbidden("pulling from " + name + " is not allowed");
        }
    }

    private static void requireValidName(String name) {
        if (!RepositoryName.isValid(name)) {
            String shown = name.length() > 80 ? name.substring(0, 80) + "…" : name;
            throw ActionRefused.invalid("invalid repository name: " + shown);
        }
    }
}
