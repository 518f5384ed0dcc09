package io.stowage.registry;

import java.util.List;
import java.util.Map;

/** An OCI content descriptor, as found in a manifest. */
public record Descriptor(
        String mediaType,
        Digest digest,
        long size,
        String artifactType,
        List<String> urls,
        Map<String, String> annotations,
        Platform platform) {

    /** The platform an index entry is for. */
    public record Platform(String os, String architecture, String variant) {
    }

    /** Whether the content may live elsewhere (non-distributable layers listing {@code urls}). */
    public boolean isForeign() {
        return urls != null && !urls.isEmpty();
    }
}
