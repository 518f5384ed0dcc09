package io.stowage.accounts;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who is asking: a user, a robot account or {@link #ANONYMOUS}. The {@code subject} is what tokens carry as
 * {@code sub}: the username, {@code robot+<name>}, or empty. {@code grants} are the access policies that name this
 * identity (for a robot, its permissions); a user's own namespace and public repositories come on top.
 */
public record Identity(String subject, Kind kind, boolean admin, List<Grant> grants) {

    /** The kinds of identity. */
    public enum Kind { ANONYMOUS, USER, ROBOT }

    /** How a robot's subject starts; {@code +} cannot occur in a username, so the two never collide. */
    public static final String ROBOT_PREFIX = "robot+";

    public static final Identity ANONYMOUS = new Identity("", Kind.ANONYMOUS, false, List.of());

    public Identity {
        grants = List.copyOf(grants);
    }

    public static Identity user(String username, boolean admin, List<Grant> grants) {
        return new Identity(username, Kind.USER, admin, grants);
    }

    public static Identity robot(String name, List<Grant> grants) {
        return new Identity(ROBOT_PREFIX + name, Kind.ROBOT, false, grants);
    }

    public boolean anonymous() {
        return kind == Kind.ANONYMOUS;
    }

    /**
     * The repository actions this identity may take on {@code repository}, given whether it is public: everything for
     * administrators; pull on public repositories for everyone; pull, push and delete in a user's own namespace
     * ({@code <username>/...}); and what its grants give.
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
        return allowed;
    }
}
