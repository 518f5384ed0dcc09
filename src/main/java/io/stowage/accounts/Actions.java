package io.stowage.accounts;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The actions a repository scope can name. {@code *} in a request or token stands for all of them. */
public final class Actions {

    public static final String PULL = "pull";
    public static final String PUSH = "push";
    public static final String DELETE = "delete";
    public static final String ALL = "*";
    /** The action on {@code registry:catalog} the docker daemon asks for to search (not a repository action). */
    public static final String SEARCH = "search";
    public static final List<String> REPOSITORY = List.of(PULL, PUSH, DELETE);

    private Actions() {
    }

    /** Validates and normalises a list of actions (as given to a policy or robot); {@code *} expands to all. */
    public static Set<String> parse(List<String> actions) {
        if (actions == null || actions.isEmpty()) {
            throw new IllegalArgumentException("at least one action is needed: pull, push, delete or *");
        }
        Set<String> parsed = new LinkedHashSet<>();
        for (String action : actions) {
            if (ALL.equals(action)) {
                parsed.addAll(REPOSITORY);
            } else if (REPOSITORY.contains(action)) {
                parsed.add(action);
            } else {
                throw new IllegalArgumentException("unknown action \"" + action + "\": pull, push, delete or *");
            }
        }
        return parsed;
    }
}
