package io.stowage.accounts;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who is asking: a user, a robot account or {@link #ANONYMOUS}. The {@code subject} is what tokens carry as
 * {@code sub}: the username, {@code robot+<name>}, or empty. {@code grants} are the access policies that name this
 * identity (for a robot, its permissions), {@code roles} what the teams it is a member of give it; a user's own
 * namespace and public repositories come on top.
 */
public record Identity(String subject, Kind kind, boolean admin, List<Grant> grants, List<RoleGrant> roles) {

    /** The kinds of identity. */
    public enum Kind { ANONYMOUS, USER, ROBOT }

    /** How a robot's subject starts; {@code +} cannot occur in a username, so the two never collide. */
    public static final String ROBOT_PREFIX = "robot+";

    public static final Identity ANONYMOUS = new Identity("", Kind.ANONYMOUS, false, List.of());

    public Identity {
        grants = List.copyOf(grants);
        roles = List.copyOf(roles);
    }

    /** An identity no team gives a role. */
    public Identity(String subject, Kind kind, boolean admin, List<Grant> grants) {
        this(subject, kind, admin, grants, List.of());
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
        return manages(repository) || grants.stream()
                .anyMatch(g -> g.actions().contains(Actions.PUSH) && g.pattern().matches(repository));
    }

    /**
     * Whether it manages the organization's teams and members: administrators and the organization's owners, whose
     * role covers the whole namespace ({@code <organization>/*}); an owner of some repositories only manages those.
     */
    public boolean owns(String organization) {
        String namespace = organization + "/*";
        return admin || roles.stream().anyMatch(r -> r.role().owns() && r.organization().equals(organization)
                && r.pattern().pattern().equals(namespace));
    }

    /** Whether a team of the organization has it as a member (whatever its role), or it is an administrator. */
    public boolean belongsTo(String organization) {
        return admin || roles.stream().anyMatch(r -> r.organization().equals(organization));
    }
}
