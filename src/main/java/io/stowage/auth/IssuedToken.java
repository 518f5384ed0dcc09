package io.stowage.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A signed access token with what it grants and when it was issued, as the token endpoint answers it. */
public record IssuedToken(String token, Instant issuedAt, Duration expiresIn, List<Access> access) {
}
