package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final ECKey known = generate("known");
    private final SigningKeySource keys = new SigningKeySource() {
        @Override
        public ECKey signingKey() {
            return known;
        }

        @Override
        public Optional<ECKey> publicKey(String kid) {
            return kid.equals(known.getKeyID()) ? Optional.of(known.toPublicJWK()) : Optional.empty();
        }
    };
    private final TokenIssuer issuer = new TokenIssuer(keys, "stowage-issuer", Duration.ofMinutes(5), CLOCK);
    private final TokenVerifier verifier = new TokenVerifier(keys, "stowage-issuer", "stowage", CLOCK);

    @Test
    void acceptsIssuedTokenWithExactlyTheGrantedAccess() throws Exception {
        List<Access> access = List.of(new Access("repository", "alice/app", List.of("pull", "push")),
                new Access("repository", "bob/app", List.of()));
        IssuedToken token = issuer.issue(Identity.user("alice", false, List.of()), "stowage", access);

        VerifiedToken verified = verifier.verify(token.token());

        assertThat(verified.subject()).isEqualTo("alice");
        assertThat(verified.access()).isEqualTo(access);
        assertThat(verified.allows("repository", "alice/app", "push")).isTrue();
        assertThat(verified.allows("repository", "bob/app", "pull")).isFalse();
        assertThat(verified.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(SignedJWT.parse(token.token()).getHeader().getKeyID()).isEqualTo("known");
    }

    @Test
    void rejectsTokenSignedByUnknownKey() {
        String token = sign(generate("known"), claims().build()); // same kid, different key pair
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("signature");
        String otherKid = sign(generate("stranger"), claims().build());
        assertThatThrownBy(() -> verifier.verify(otherKid)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("unknown key");
    }

    @Test
    void rejectsExpiredToken() {
        String token = sign(known, claims().expirationTime(Date.from(NOW.minus(Duration.ofMinutes(2)))).build());
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void rejectsTokenNotValidYet() {
        String token = sign(known, claims().notBeforeTime(Date.from(NOW.plus(Duration.ofMinutes(2)))).build());
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void rejectsTokenForAnotherAudienceOrIssuer() {
        String audience = sign(known, claims().audience("another-registry").build());
        assertThatThrownBy(() -> verifier.verify(audience)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("audience");
        String issuer = sign(known, claims().issuer("someone-else").build());
        assertThatThrownBy(() -> verifier.verify(issuer)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("issuer");
    }

    @Test
    void rejectsGarbageAndUnsignedTokens() {
        assertThatThrownBy(() -> verifier.verify("not-a-jwt")).isInstanceOf(InvalidTokenException.class);
        String unsigned = new com.nimbusds.jwt.PlainJWT(claims().build()).serialize();
        assertThatThrownBy(() -> verifier.verify(unsigned)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void validCraftedTokenIsAccepted() throws Exception {
        // The control for the rejections above: the same claims, untouched, verify.
        assertThat(verifier.verify(sign(known, claims().build())).subject()).isEqualTo("alice");
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer("stowage-issuer").subject("alice").audience("stowage")
                .issueTime(Date.from(NOW)).notBeforeTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(5)))).jwtID("j")
                .claim("access", List.of());
    }

    private static String sign(ECKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey generate(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
