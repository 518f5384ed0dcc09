package io.stowage.registry;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The manifest media types Stowage accepts, and media-type syntax. */
public final class MediaTypes {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    public static final Set<String> IMAGE_MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    public static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
    /** Artifact types of signatures attached as referrers: cosign's and notation's. */
    public static final Set<String> SIGNATURES = Set.of("application/vnd.dev.cosign.artifact.sig.v1+json",
            "application/vnd.cncf.notary.signature");

    // RFC 6838 section 4.2 type/subtype names.
    private static final Pattern RFC6838 = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

    private MediaTypes() {
    }

    public static boolean isManifest(String mediaType) {
        return IMAGE_MANIFESTS.contains(mediaType) || INDEXES.contains(mediaType);
    }

    public static boolean isValid(String mediaType) {
        return mediaType != null && RFC6838.matcher(mediaType).matches();
    }

    /** A Content-Type header without its parameters, lower-cased; null when absent. */
    public static String withoutParameters(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String bare = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).trim();
        return bare.isEmpty() ? null : bare.toLowerCase(Locale.ROOT);
    }
}
