package io.stowage.accounts;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a team may do on the repositories of its organization that a role's pattern matches. Each role has what the
 * one before it has, and more: a {@code reader} pulls; a {@code developer} pushes too; a {@code maintainer} deletes,
 * deletes tags, describes the repository and sets its visibility; an {@code owner} also manages the organization's
 * teams and their members.
 */
public enum Role {

    READER(Set.of(Actions.PULL)),
    DEVELOPER(Set.of(Actions.PULL, Actions.PUSH)),
    MAINTAINER(Set.of(Actions.PULL, Actions.PUSH, Actions.DELETE)),
    OWNER(Set.of(Actions.PULL, Actions.PUSH, Actions.DELETE));

    /** The roles as the API names them, in order. */
    public static final List<String> NAMES = List.of("reader", "developer", "maintainer", "owner");

    private final Set<String> actions;

    Role(Set<String> actions) {
        this.actions = actions;
    }

    /** The repository actions (pull, push, delete) it allows. */
    public Set<String> actions() {
        return actions;
    }

    /** Whether it manages repositories: tags, descriptions, visibility, deletion through the admin API and the UI. */
    public boolean manages() {
        return compareTo(MAINTAINER) >= 0;
    }

    /** Whether it manages the organization: its teams, their roles and members. */
    public boolean owns() {
        return this == OWNER;
    }

    /** The name the API and the database use: {@code reader}, {@code developer}, {@code maintainer}, {@code owner}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role of that name; an unknown name is the caller's error. */
    public static Role of(String name) {
        if (name != null) {
            for (Role role : values()) {
                if (role.label().equals(name)) {
                    return role;
                }
            }
        }
        throw new IllegalArgumentException("unknown role \"" + name + "\": one of " + String.join(", ", NAMES));
    }
}
