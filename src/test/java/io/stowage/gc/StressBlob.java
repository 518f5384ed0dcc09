package io.stowage.gc;

import static io.stowage.distribution.RegistryClient.OCI_CONFIG;
import static io.stowage.distribution.RegistryClient.OCI_EMPTY;
import static io.stowage.distribution.RegistryClient.OCI_LAYER;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;

import io.stowage.distribution.RegistryClient;

/**
 * A blob the stress clients push: its bytes follow from a seed, so that thousands of them can be remembered (to push
 * an image again after the collector took its blobs) without keeping their bytes.
 */
record StressBlob(String digest, String mediaType, int size, long seed) {

    private static final String EMPTY = "{}";

    static StressBlob layer(long seed, int size) {
        return new StressBlob(RegistryClient.sha256(layerBytes(seed, size)), OCI_LAYER, size, seed);
    }

    static StressBlob config(long seed) {
        byte[] bytes = configBytes(seed);
        return new StressBlob(RegistryClient.sha256(bytes), OCI_CONFIG, bytes.length, seed);
    }

    /** The empty JSON object that artifacts (a signature, an SBOM) use as their config. */
    static StressBlob empty() {
        byte[] bytes = EMPTY.getBytes(StandardCharsets.UTF_8);
        return new StressBlob(RegistryClient.sha256(bytes), OCI_EMPTY, bytes.length, 0);
    }

    byte[] bytes() {
        return switch (mediaType) {
            case OCI_CONFIG -> configBytes(seed);
            case OCI_EMPTY -> EMPTY.getBytes(StandardCharsets.UTF_8);
            default -> layerBytes(seed, size);
        };
    }

    Map<String, Object> descriptor() {
        return RegistryClient.descriptor(mediaType, digest, size);
    }

    private static byte[] layerBytes(long seed, int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] configBytes(long seed) {
        return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                + "\"nonce\":\"" + Long.toHexString(seed) + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
