package io.stowage.metadata;

import java.time.Instant;

/** A row of {@code signing_keys} without its key material; {@code retiredAt} is null while the key is in use. */
public record SigningKeySummary(String kid, String algorithm, Instant createdAt, Instant retiredAt) {
}
