package io.stowage.metadata;

import java.time.Instant;

/**
 * One row of {@code signing_keys}: a token-signing key pair. The private half is {@code sealedPrivateKey} (a JWE
 * made by the auth package's key encryption); {@code plainPrivateKey} (PKCS#8) is only found on rows written before
 * keys were encrypted, until the first start of a newer version seals them. The public half is X.509.
 */
public record SigningKeyRecord(String kid, String algorithm, byte[] plainPrivateKey, String sealedPrivateKey,
                               byte[] publicKey, Instant createdAt) {
}
