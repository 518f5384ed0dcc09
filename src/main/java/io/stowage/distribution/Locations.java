package io.stowage.distribution;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The URLs the API hands out in {@code Location} and {@code Link} headers (relative, as the spec allows). */
final class Locations {

    private Locations() {
    }

    static String blob(String repository, Object digest) {
        return "/v2/" + repository + "/blobs/" + digest;
    }

    static String upload(String repository, UUID id) {
        return "/v2/" + repository + "/blobs/uploads/" + id;
    }

    static String manifest(String repository, Object digest) {
        return "/v2/" + repository + "/manifests/" + digest;
    }

    /** An RFC 5988 {@code Link} header value for the next page of a listing. */
    static String nextPage(String path, int n, String last) {
        return "<" + path + "?n=" + n + "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8) + ">; rel=\"next\"";
    }

    /** The {@code Range} header of an upload holding {@code received} bytes (as distribution: 0-0 when empty). */
    static String uploadRange(long received) {
        return "0-" + Math.max(0, received - 1);
    }
}
