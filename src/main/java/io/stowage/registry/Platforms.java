package io.stowage.registry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * Platforms as people read them, {@code os/architecture[/variant]}: of an index's entries or of an image config.
 * The manifest page shows them per entry; a push records them per manifest for the tag table.
 */
public final class Platforms {

    /** What buildx and others give the attestation manifests they put in an index: no platform to run on. */
    private static final String ATTESTATION = "unknown/unknown";

    private Platforms() {
    }

    /** Whether a config of this media type is an image config (OCI or Docker), which says the platform. */
    public static boolean isImageConfig(String mediaType) {
        return "application/vnd.oci.image.config.v1+json".equals(mediaType)
                || "application/vnd.docker.container.image.v1+json".equals(mediaType);
    }

    /** An index entry's platform; empty when the entry gives none. */
    public static String of(Descriptor.Platform platform) {
        if (platform == null) {
            return "";
        }
        return join(platform.os(), platform.architecture(), platform.variant());
    }

    /** An image config's platform from its {@code os}, {@code architecture} and {@code variant}; empty if none. */
    public static String of(JsonNode config) {
        return join(text(config, "os"), text(config, "architecture"), text(config, "variant"));
    }

    /**
     * The distinct platforms of an index's entries in their order, joined with ", "; entries without one and
     * attestations are left out. Null when none is left.
     */
    public static String summary(List<Descriptor> entries) {
        Set<String> platforms = new LinkedHashSet<>();
        for (Descriptor entry : entries) {
            String platform = of(entry.platform());
            if (!platform.isEmpty() && !platform.startsWith(ATTESTATION)) {
                platforms.add(platform);
            }
        }
        return platforms.isEmpty() ? null : String.join(", ", platforms);
    }

    /** A string field of a JSON object, or null when absent or not a string. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() ? value.asString() : null;
    }

    private static String join(String... parts) {
        List<String> kept = new ArrayList<>();
        for (String part : parts) {
            if (part != null && !part.isBlank()) {
                // PostgreSQL's text refuses U+0000 alone; escaped as in the annotations' JSON, so that the platform
                // is recorded and shown rather than the push refused over a string the spec does not restrict.
                kept.add(part.replace("\0", "\\u0000"));
            }
        }
        return String.join("/", kept);
    }
}
