package io.stowage.auth;

import java.nio.charset.StandardCharsets;

import io.stowage.registry.Digest;

/** SHA-256 of a high-entropy secret (robot secret, refresh token): safe to store and to look up by. */
final class SecretHash {

    private SecretHash() {
    }

    static byte[] of(String secret) {
        return Digest.newHasher("sha256").digest(secret.getBytes(StandardCharsets.UTF_8));
    }
}
