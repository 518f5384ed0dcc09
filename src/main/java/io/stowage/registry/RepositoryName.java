package io.stowage.registry;

import java.util.regex.Pattern;

/** Validates repository names against the OCI distribution grammar. */
public final class RepositoryName {

    private static final Pattern GRAMMAR = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

    /** Docker and most clients cap host/name at 255 characters; the name alone can be no longer. */
    public static final int MAX_LENGTH = 255;

    private RepositoryName() {
    }

    public static boolean isValid(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && GRAMMAR.matcher(name).matches();
    }

    /** Returns the name, or throws {@code NAME_INVALID}. */
    public static String validate(String name) {
        if (!isValid(name)) {
            String shown = name == null ? "" : name.length() > 80 ? name.substring(0, 80) + "…" : name;
            throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name: " + shown);
        }
        return name;
    }
}
