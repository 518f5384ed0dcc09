package io.stowage.gc;

import static io.stowage.distribution.RegistryClient.OCI_INDEX;
import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stowage.distribution.RegistryClient;

/** A manifest the stress clients push, with what it references, so that it can be pushed again whole. */
sealed interface StressManifest {

    byte[] bytes();

    String digest();

    String mediaType();

    /** An image manifest over a config and layers; or an artifact (a signature) over an image, its subject. */
    record Image(StressBlob config, List<StressBlob> layers, String subject, byte[] bytes, String digest)
            implements StressManifest {

        static Image of(StressBlob config, List<StressBlob> layers) {
            return of(config, layers, null);
        }

        static Image signatureOf(Image subject, StressBlob signature) {
            return of(StressBlob.empty(), List.of(signature), subject);
        }

        private static Image of(StressBlob config, List<StressBlob> layers, Image subject) {
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", OCI_MANIFEST);
            if (subject != null) {
                manifest.put("artifactType", "application/vnd.example.signature");
            }
            manifest.put("config", config.descriptor());
            manifest.put("layers", layers.stream().map(StressBlob::descriptor).toList());
            if (subject != null) {
                manifest.put("subject", RegistryClient.descriptor(subject.mediaType(), subject.digest(),
                        subject.bytes().length));
            }
            byte[] bytes = RegistryClient.toJson(manifest);
            return new Image(config, List.copyOf(layers), subject == null ? null : subject.digest(), bytes,
                    RegistryClient.sha256(bytes));
        }

        /** The config and the layers. */
        List<StressBlob> blobs() {
            List<StressBlob> blobs = new ArrayList<>(layers);
            blobs.addFirst(config);
            return blobs;
        }

        @Override
        public String mediaType() {
            return OCI_MANIFEST;
        }
    }

    /** An index over image manifests. */
    record Index(List<Image> children, byte[] bytes, String digest) implements StressManifest {

        static Index of(List<Image> children) {
            byte[] bytes = RegistryClient.index(OCI_INDEX, children.stream()
                    .map(child -> new RegistryClient.Manifest(child.bytes(), child.digest(), child.mediaType()))
                    .toList());
            return new Index(List.copyOf(children), bytes, RegistryClient.sha256(bytes));
        }

        @Override
        public String mediaType() {
            return OCI_INDEX;
        }
    }
}
