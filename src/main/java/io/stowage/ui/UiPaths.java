package io.stowage.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The UI's own addresses. */
final class UiPaths {

    static final String HOME = "/ui/";
    /** Between a repository's name and a manifest reference in a manifest page's path. */
    static final String MANIFESTS = "/-/manifests/";

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

    /** The page of a manifest of a repository, by tag or digest. */
    static String manifest(String repository, String reference) {
        return repository(repository) + MANIFESTS + URLEncoder.encode(reference, StandardCharsets.UTF_8)
                .replace("%3A", ":"); // digests read as they are written
    }

    /**
     * Where to go after signing in: a page of the UI, never another site ({@code //host}, {@code /\host}), as the
     * path and query a browser sends, which are printable ASCII (anything else could not go in a Location header).
     */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/ui/") || next.contains("//") || next.contains("\\")
                || next.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            return HOME;
        }
        return next;
    }
}
