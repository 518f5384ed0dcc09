package io.stowage.metadata;

import java.time.Instant;

/** One row of {@code signing_keys}: a token-signing key pair, encoded (PKCS#8 private, X.509 public). */
public record SigningKeyRecord(String kid, String algorithm, byte[] privateKey, byte[] publicKey, Instant createdAt) {
}
