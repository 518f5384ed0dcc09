package io.stowage.registry;

/**
 * Validates repository names against the OCI distribution grammar,
 * {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*}: checked character by character,
 * since every authenticated /v2/ request checks its name (RepositoryNameTest holds the expression as the oracle).
 */
public final class RepositoryName {

    /** Docker and most clients cap host/name at 255 characters; the name alone can be no longer. */
    public static final int MAX_LENGTH = 255;

    private RepositoryName() {
    }

    public static boolean isValid(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && grammatical(name);
    }

    private static boolean grammatical(String name) {
        int length = name.length();
        int i = 0;
        while (true) { // a run of [a-z0-9], then a separator, a slash or the end
            int run = i;
            while (i < length && isLowerAlphanumeric(name.charAt(i))) {
                i++;
            }
            if (i == run) {
                return false; // every component, and every part after a separator, starts with [a-z0-9]
            }
            if (i == length) {
                return true;
            }
            char c = name.charAt(i++);
            if (c == '_') {
                if (i < length && name.charAt(i) == '_') {
                    i++;
                }
            } else if (c == '-') {
                while (i < length && name.charAt(i) == '-') {
                    i++;
                }
            } else if (c != '.' && c != '/') {
                return false;
            }
        }
    }

    private static boolean isLowerAlphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
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
