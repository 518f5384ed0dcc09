package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.stowage.MovableClock;
import io.stowage.accounts.Identity;
import org.junit.jupiter.api.Test;

/**
 * The verifier's memory of checked tokens (Caffeine): a token in use is checked again in the background, never on
 * its client's request, and forgotten once it no longer verifies; past the limit, entries go one at a time and the
 * busy ones stay. Signature checks are counted by the key source, on a clock the test moves.
 */
class TokenVerifierCacheTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final ECKey key = generate();
    private final AtomicBoolean retired = new AtomicBoolean();
    private final AtomicInteger checks = new AtomicInteger();
    private final SigningKeySource keys = new SigningKeySource() {
        @Override
        public ECKey signingKey() {
            return key;
        }

        @Override
        public Optional<ECKey> publicKey(String kid) {
            checks.incrementAndGet();
            return retired.get() ? Optional.empty() : Optional.of(key.toPublicJWK());
        }
    };
    private final TokenIssuer issuer = new TokenIssuer(keys, "stowage", Duration.ofHours(1), clock);
    private static final int LIMIT = 1_000;
    private final TokenVerifier verifier = new TokenVerifier(keys, "stowage", TrustedIssuers.NONE, "stowage", clock,
            LIMIT);

    @Test
    void aBusyTokenIsCheckedAgainInTheBackgroundAndForgottenOnceItsKeyIsRetired() throws Exception {
        String token = token("alice");
        verifier.verify(token);
        verifier.verify(token);
        assertThat(checks).as("checked once, then remembered").hasValue(1);

        clock.advance(TokenVerifier.REMEMBER.dividedBy(2).plusSeconds(1));
        assertThat(verifier.verify(token).subject()).as("served at once while it is checked again").isEqualTo("alice");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(checks).hasValue(2));
        verifier.verify(token);
        assertThat(checks).hasValue(2);

        retired.set(true);
        clock.advance(TokenVerifier.REMEMBER.dividedBy(2).plusSeconds(1));
        verifier.verify(token); // the last use of what was checked before the retirement; it triggers the check
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(verifier.cache().estimatedSize())
                .isZero());
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("unknown key");
    }

    @Test
    void aTokenNobodyUsesIsNeverKeptLongerThanItsTime() throws Exception {
        String token = token("bob");
        verifier.verify(token);
        clock.advance(TokenVerifier.REMEMBER.plusSeconds(1));
        verifier.verify(token);
        assertThat(checks).as("verified again on its client's request").hasValue(2);
    }

    @Test
    void pastTheLimitOneOffTokensGoOneAtATimeAndABusyOneStays() throws Exception {
        String busy = token("busy");
        for (int i = 0; i < 5; i++) {
            verifier.verify(busy);
        }
        int oneOffs = LIMIT + 2_000;
        for (int i = 0; i < oneOffs; i++) {
            verifier.verify(token("one-off-" + i));
            if (i % 20 == 0) {
                verifier.verify(busy);
            }
        }
        verifier.cache().cleanUp();
        int before = checks.get();
        verifier.verify(busy);
        assertThat(checks).as("the busy token is still remembered").hasValue(before);
        assertThat(verifier.cache().estimatedSize()).isLessThanOrEqualTo(LIMIT);
        assertThat(verifier.cache().stats().evictionCount()).as("evicted one at a time, not emptied")
                .isGreaterThanOrEqualTo(oneOffs + 1 - LIMIT)
                .isLessThanOrEqualTo(oneOffs + 1 - LIMIT + 10);
    }

    private String token(String subject) {
        return issuer.issue(Identity.user(subject, false, List.of()), "stowage", List.of()).token();
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
