package io.stowage.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The UI's own addresses. */
final class UiPaths {

    static final String HOME = "/ui/";

    private UiPaths() {
    }

    /** The page of a repository: its name's slashes stay slashes, each component is encoded. */
    static String repository(String name) {
        StringBuilder path = new StringBuilder("/ui/repositories");
        for (String component : name.split("/")) {
            path.append('/').append(URLEncoder.encode(component, StandardCharsets.UTF_8));
        }
        return path.toString();
    }

    /** Where to go after signing in: a page of the UI, never another site ({@code //host}, {@code /\host}). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/ui/") || next.contains("//") || next.contains("\\")
                || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return HOME;
        }
        return next;
    }
}
