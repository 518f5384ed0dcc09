package io.stowage.registry;

import java.util.regex.Pattern;

/** Validates tag names against the OCI distribution grammar. */
public final class Tags {

    private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    private Tags() {
    }

    public static boolean isValid(String tag) {
        return tag != null && GRAMMAR.matcher(tag).matches();
    }

    /** Returns the tag, or throws {@code MANIFEST_INVALID} (400). */
    public static String validate(String tag) {
        if (!isValid(tag)) {
            String shown = tag == null ? "" : tag.length() > 80 ? tag.substring(0, 80) + "…" : tag;
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, "invalid tag: " + shown);
        }
        return tag;
    }
}
