package io.stowage.registry;

import java.util.List;
import java.util.Map;

/**
 * What Stowage needs to know of a pushed manifest: its kind, the blobs and manifests it references and
 * the fields the referrers API reports. The stored bytes are kept as pushed; this is derived from them.
 */
public record ParsedManifest(
        String mediaType,
        Descriptor config,
        List<Descriptor> layers,
        List<Descriptor> manifests,
        Descriptor subject,
        String artifactType,
        Map<String, String> annotations) {

    public boolean isIndex() {
        return MediaTypes.INDEXES.contains(mediaType);
    }

    /** The artifactType the referrers API reports: the manifest's own, else an image manifest's config type. */
    public String effectiveArtifactType() {
        if (artifactType != null && !artifactType.isEmpty()) {
            return artifactType;
        }
        return !isIndex() && config != null ? config.mediaType() : null;
    }

    /** Config first, then layers: every blob an image manifest needs. */
    public List<Descriptor> blobs() {
        if (config == null) {
            return layers;
        }
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(config), layers.stream()).toList();
    }
}
