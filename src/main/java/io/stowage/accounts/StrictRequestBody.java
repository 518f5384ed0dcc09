package io.stowage.accounts;

import com.fasterxml.jackson.annotation.JsonAnySetter;

/**
 * A request body that refuses fields it does not know (400), so that a misspelt {@code "admn": true} is an error rather
 * than a change silently not made.
 */
public interface StrictRequestBody {

    @JsonAnySetter
    default void unknownField(String name, Object value) {
        throw new IllegalArgumentException("unknown field \"" + name + "\"");
    }
}
