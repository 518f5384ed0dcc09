package io.stowage.accounts;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who is asking: a user, a robot account or {@link #ANONYMOUS}. The {@code subject} is what tokens carry as
 * {@code sub}: the username, {@code robot+<name>}, or empty. {@code grants} are the access policies that name this
 * identity (for a robot, its permissions), {@code roles} what the teams it is a member of give it; a user's own
 * namespace and public repositories come on top. {@code token} is the personal access token it signed in with, which
 * narrows all of that ({@link TokenScope}), or null.
 */
public record Identity(String subject, Kind kind, boolean admin, List<Grant> grants, List<RoleGrant> roles,
                       TokenScope token) {

    /** The kinds of identity. */
    public enum Kind { ANONYMOUS, USER, ROBOT }

    /** How a robot's subject starts; {@code +} cannot occur in a username, so the two never collide. */
    public static final String ROBOT_PREFIX = "robot+";

    public static final Identity ANONYMOUS = new Identity("", Kind.ANONYMOUS, false, List.of());

    public Identity {
        grants = List.copyOf(grants);
        roles = List.copyOf(roles);
    }

    /** An identity that signed in with its own credentials (no personal access token). */
    public Identity(String subject, Kind kind, boolean admin, List<Grant> grants, List<RoleGrant> roles) {
        this(subject, kind, admin, grants, roles, null);
    }

    /** An identity no team gives a role. */
    public Identity(String subject, Kind kind, boolean admin, List<Grant> grants) {
        this(subject, kind, admin, grants, List.of());
    }

    /** The user's identity as a personal access token narrows it (see {@link TokenScope}). */
    public Identity narrowedTo(TokenScope scope) {
        return new Identity(subject, kind, admin, grants, roles, scope);
    }

    /**
     * Whether it is an administrator, for what only administrators may do: never through a personal access token,
     * which reaches repositories only (an administrator's token reaches every repository, within its scope).
     */
    @Override
    public boolean admin() {
        return admin && token == null;
    }

    /** Whether it may reach every repository: an administrator, or an administrator's personal access token. */
    public boolean reachesEveryRepository() {
        return admin;
    }

    public static Identity user(String username, boolean admin, List<Grant> grants) {
        return user(username, admin, grants, List.of());
    }

    public static Identity user(String username, boolean admin, List<Grant> grants, List<RoleGrant> roles) {
        return new Identity(username, Kind.USER, admin, grants, roles);
    }

    public static Identity robot(String name, List<Grant> grants) {
        return robot(name, grants, List.of());
    }

    public static Identity robot(String name, List<Grant> grants, List<RoleGrant> roles) {
        return new Identity(ROBOT_PREFIX + name, Kind.ROBOT, false, grants, roles);
    }

    public boolean anonymous() {
        return kind == Kind.ANONYMOUS;
    }

    /**
     * The repository actions this identity may take on {@code repository}, given whether it is public: everything for
     * administrators; pull on public repositories for everyone; pull, push and delete in a user's own namespace
     * ({@code <username>/...}); and what its grants and roles give.
     */
    public Set<String> allowedActions(String repository, boolean isPublic) {
        Set<String> allowed = ownActions(repository, isPublic);
        if (token != null) {
            allowed.removeIf(action -> !token.allows(action, repository)
                    && !(isPublic && Actions.PULL.equals(action)));
        }
        return allowed;
    }

    private Set<String> ownActions(String repository, boolean isPublic) {
        if (admin) {
            return new LinkedHashSet<>(Actions.REPOSITORY);
        }
        Set<String> allowed = new LinkedHashSet<>();
        if (isPublic) {
            allowed.add(Actions.PULL);
        }
        if (kind == Kind.USER && repository.startsWith(subject + "/")) {
            allowed.addAll(Actions.REPOSITORY);
        }
        for (Grant grant : grants) {
            if (grant.pattern().matches(repository)) {
                allowed.addAll(grant.actions());
            }
        }
        for (RoleGrant role : roles) {
            if (role.pattern().matches(repository)) {
                Actions.REPOSITORY.stream().filter(role.role().actions()::contains).forEach(allowed::add);
            }
        }
        return allowed;
    }

    /**
     * Whether it manages {@code repository} (its tags, description and visibility, and deleting it through the admin
     * API or the UI): administrators, the user whose namespace it is in, and maintainers and owners by a team's role.
     */
    public boolean manages(String repository) {
        return (token == null || token.allows(Actions.DELETE, repository)) && ownManages(repository);
    }

    private boolean ownManages(String repository) {
        if (admin || (kind == Kind.USER && repository.startsWith(subject + "/"))) {
            return true;
        }
        return roles.stream().anyMatch(r -> r.role().manages() && r.pattern().matches(repository));
    }

    /**
     * Whether it may describe {@code repository}: whoever manages it, and (as before organizations) whoever an access
     * policy lets push to it, as whoever publishes its images would.
     */
    public boolean mayDescribe(String repository) {
        if (token != null && !token.allows(Actions.PUSH, repository)) {
            return false;
        }
        return ownManages(repository) || grants.stream()
                .anyMatch(g -> g.actions().contains(Actions.PUSH) && g.pattern().matches(repository));
    }

    /**
     * Whether it manages the organization's teams and members: administrators and the organization's owners, whose
     * role covers the whole namespace ({@code <organization>/*}); an owner of some repositories only manages those.
     */
    public boolean owns(String organization) {
        if (token != null) {
            return false; // a token reaches repositories, not teams and members
        }
        String namespace = organization + "/*";
        return admin || roles.stream().anyMatch(r -> r.role().owns() && r.organization().equals(organization)
                && r.pattern().pattern().equals(namespace));
    }

    /**
     * Whether it owns the namespace {@code repository} is in, for what only owners may do to a repository (deleting
     * what immutability rules protect, releasing a legal hold, setting a namespace's rules): administrators, the user
     * whose namespace it is, and the organization's owners. Never through a personal access token.
     */
    public boolean ownsNamespaceOf(String repository) {
        int slash = repository.indexOf('/');
        if (token != null || slash <= 0) {
            return admin();
        }
        String namespace = repository.substring(0, slash);
        return admin || (kind == Kind.USER && subject.equals(namespace)) || owns(namespace);
    }

    /** Whether a team of the organization has it as a member (whatever its role), or it is an administrator. */
    public boolean belongsTo(String organization) {
        return admin() || roles.stream().anyMatch(r -> r.organization().equals(organization));
    }
}
