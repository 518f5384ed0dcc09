package io.stowage.auth;

import java.util.List;
import java.util.Set;

import org.springframework.stereotype.Component;

/**
 * What an identity may do: administrators everything; a user pull and push in their own namespace
 * ({@code <username>/...}); anonymous clients nothing yet. The token endpoint grants the intersection of this with
 * what was asked, which is never an error, only possibly empty.
 */
@Component
public class AccessPolicy {

    private static final Set<String> OWN_NAMESPACE_ACTIONS = Set.of("pull", "push");

    public Access grant(Identity identity, ResourceScope scope) {
        List<String> granted = scope.actions().stream().filter(action -> allowed(identity, scope, action)).toList();
        return new Access(scope.type(), scope.name(), granted);
    }

    private static boolean allowed(Identity identity, ResourceScope scope, String action) {
        if (identity.anonymous()) {
            return false;
        }
        if (identity.admin()) {
            return true;
        }
        return scope.type().equals("repository")
                && scope.name().startsWith(identity.username() + "/")
                && OWN_NAMESPACE_ACTIONS.contains(action);
    }
}
