package io.stowage.auth;

import java.util.List;
import java.util.Map;

/** One entry of a token's {@code access} claim: the actions granted on one resource. */
public record Access(String type, String name, List<String> actions) {

    public Access {
        actions = List.copyOf(actions);
    }

    /** The claim's JSON shape, {@code {"type": ..., "name": ..., "actions": [...]}}. */
    Map<String, Object> toClaim() {
        return Map.of("type", type, "name", name, "actions", actions);
    }
}
