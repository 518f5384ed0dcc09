package io.stowage.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import io.stowage.accounts.Identity;
import io.stowage.accounts.SecretHash;
import io.stowage.config.StowageProperties;
import io.stowage.metadata.RefreshTokenRecords;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Long-lived, opaque refresh tokens (256 random bits), each bound to one user or robot, one service and an expiry
 * ({@code stowage.auth.refresh-token-lifetime}). Only their SHA-256 is stored, so the lookup by hash reveals nothing
 * a timing attack could use; a disabled or deleted account's tokens stop working at once, and those issued to a sign-in
 * with a personal access token die with it (and give its narrowed identity).
 */
@Service
public class RefreshTokens {

    private final RefreshTokenRecords records;
    private final Identities identities;
    private final Duration lifetime;
    private final Clock clock;

    public RefreshTokens(RefreshTokenRecords records, Identities identities, StowageProperties properties,
                         Clock clock) {
        this.records = records;
        this.identities = identities;
        this.lifetime = properties.auth().refreshTokenLifetime();
        this.clock = clock;
    }

    public String issue(Identity identity, String service) {
        String token = SecretHash.newSecret();
        var expiresAt = clock.instant().plus(lifetime);
        switch (identity.kind()) {
            case USER -> records.insertForUser(SecretHash.of(token), identity.subject(), service, expiresAt,
                    identity.token() == null ? null : identity.token().tokenId());
            case ROBOT -> records.insertForRobot(SecretHash.of(token),
                    identity.subject().substring(Identity.ROBOT_PREFIX.length()), service, expiresAt);
            case ANONYMOUS -> throw new IllegalArgumentException("anonymous callers get no refresh token");
        }
        return token;
    }

    /** Who the token was issued to, if it is a live refresh token for {@code service} and the account may act. */
    public Optional<Identity> redeem(String token, String service) {
        return records.findSubject(SecretHash.of(token), service, Identity.ROBOT_PREFIX)
                .flatMap(found -> identities.resolve(found.subject(), found.accessToken()));
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    void deleteExpired() {
        records.deleteExpired();
    }

}
