package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.stowage.accounts.Identity;
import io.stowage.config.StowageProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    private static final String EXTERNAL = "https://auth.example.com";
    private static final String OTHER_EXTERNAL = "https://other.example.com";
    private static final RSAKey RSA = generateRsa("ext-rsa");
    private static final ECKey EXTERNAL_EC = generate("ext-ec");
    private static final ECKey OTHER_EC = generate("other-ec");

    @TempDir
    Path dir;

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

    // ------------------------------------------------------------------ trusted external issuers

    @Test
    void externalRs256TokenIsAcceptedWithItsAccessAndMarkedExternal() throws Exception {
        TokenVerifier trusting = trusting();
        List<Access> access = List.of(new Access("repository", "team/app", List.of("pull")));
        String token = sign(RSA, JWSAlgorithm.RS256, RSA.getKeyID(),
                claims().issuer(EXTERNAL).claim("access", List.of(Map.of("type", "repository",
                        "name", "team/app", "actions", List.of("pull")))).build());

        VerifiedToken verified = trusting.verify(token);

        assertThat(verified.subject()).isEqualTo("alice");
        assertThat(verified.access()).isEqualTo(access);
        assertThat(verified.external()).isTrue();
        assertThat(verified.externalIssuer()).isEqualTo(EXTERNAL);
        // Stowage's own tokens are still accepted, and not external.
        assertThat(trusting.verify(sign(known, claims().build())).external()).isFalse();
    }

    @Test
    void externalKeysNeverVouchForStowagesOwnIssuer() throws Exception {
        TokenVerifier trusting = trusting();
        String rsaClaimingStowage = sign(RSA, JWSAlgorithm.RS256, RSA.getKeyID(), claims().build());
        assertThatThrownBy(() -> trusting.verify(rsaClaimingStowage)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("algorithm");
        // Even in Stowage's own algorithm, a trusted issuer's EC key is not one of Stowage's keys.
        String ecClaimingStowage = sign(EXTERNAL_EC, JWSAlgorithm.ES256, EXTERNAL_EC.getKeyID(), claims().build());
        assertThatThrownBy(() -> trusting.verify(ecClaimingStowage)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("unknown key");
        // The control: the same EC key signs valid tokens of its own issuer.
        assertThat(trusting.verify(sign(EXTERNAL_EC, JWSAlgorithm.ES256, EXTERNAL_EC.getKeyID(),
                claims().issuer(EXTERNAL).build())).externalIssuer()).isEqualTo(EXTERNAL);
    }

    @Test
    void oneTrustedIssuersKeyDoesNotVouchForAnotherIssuer() throws Exception {
        TokenVerifier trusting = trusting();
        String forged = sign(EXTERNAL_EC, JWSAlgorithm.ES256, EXTERNAL_EC.getKeyID(),
                claims().issuer(OTHER_EXTERNAL).build());
        assertThatThrownBy(() -> trusting.verify(forged)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("unknown key");
        assertThat(trusting.verify(sign(OTHER_EC, JWSAlgorithm.ES256, OTHER_EC.getKeyID(),
                claims().issuer(OTHER_EXTERNAL).build())).externalIssuer()).isEqualTo(OTHER_EXTERNAL);
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        TokenVerifier trusting = trusting();
        byte[] jwks = Files.readAllBytes(dir.resolve("external.json"));
        for (byte[] secret : List.of(RSA.toRSAPublicKey().getEncoded(), jwks,
                RSA.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
                known.toECPublicKey().getEncoded(), known.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8))) {
            for (String iss : List.of(EXTERNAL, "stowage-issuer")) {
                for (String kid : List.of(RSA.getKeyID(), known.getKeyID())) {
                    String token = sign(new MACSigner(secret), JWSAlgorithm.HS256, kid, claims().issuer(iss).build());
                    assertThatThrownBy(() -> trusting.verify(token)).as("HS256 %s %s", iss, kid)
                            .isInstanceOf(InvalidTokenException.class).hasMessageContaining("algorithm");
                }
            }
        }
    }

    @Test
    void algNoneIsRefused() throws Exception {
        TokenVerifier trusting = trusting();
        for (String iss : List.of(EXTERNAL, "stowage-issuer")) {
            for (String header : List.of("{\"alg\":\"none\",\"typ\":\"JWT\"}",
                    "{\"alg\":\"none\",\"kid\":\"" + RSA.getKeyID() + "\"}", "{\"alg\":\"None\"}")) {
                String payload = claims().issuer(iss).build().toString();
                // Unsigned, and also with the signature of a valid token pasted on.
                String valid = sign(RSA, JWSAlgorithm.RS256, RSA.getKeyID(), claims().issuer(iss).build());
                for (String signature : List.of("", valid.substring(valid.lastIndexOf('.') + 1))) {
                    String token = Base64URL.encode(header) + "." + Base64URL.encode(payload) + "." + signature;
                    assertThatThrownBy(() -> trusting.verify(token)).as(header)
                            .isInstanceOf(InvalidTokenException.class);
                }
            }
        }
    }

    @Test
    void trustedIssuerTokensAreStillCheckedForAudienceAndTime() throws Exception {
        TokenVerifier trusting = trusting();
        String audience = sign(RSA, JWSAlgorithm.RS256, RSA.getKeyID(),
                claims().issuer(EXTERNAL).audience("another-registry").build());
        assertThatThrownBy(() -> trusting.verify(audience)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("audience");
        String expired = sign(RSA, JWSAlgorithm.RS256, RSA.getKeyID(), claims().issuer(EXTERNAL)
                .expirationTime(Date.from(NOW.minus(Duration.ofMinutes(2)))).build());
        assertThatThrownBy(() -> trusting.verify(expired)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("expired");
        String untrusted = sign(RSA, JWSAlgorithm.RS256, RSA.getKeyID(), claims().issuer("https://evil").build());
        assertThatThrownBy(() -> trusting.verify(untrusted)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("issuer");
    }

    @Test
    void algorithmsMustSuitTheKey() throws Exception {
        TokenVerifier trusting = trusting();
        // RS512 and RS384 verify with an RSA key whose JWK names no alg; PS256 is not on the list.
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS384, JWSAlgorithm.RS512)) {
            assertThat(trusting.verify(sign(RSA, alg, RSA.getKeyID(), claims().issuer(EXTERNAL).build())).subject())
                    .isEqualTo("alice");
        }
        String ps256 = sign(RSA, JWSAlgorithm.PS256, RSA.getKeyID(), claims().issuer(EXTERNAL).build());
        assertThatThrownBy(() -> trusting.verify(ps256)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("algorithm");

        ECKey p384 = generate(Curve.P_384, "p384");
        JWK es256Only = new ECKey.Builder(EXTERNAL_EC.toPublicJWK()).algorithm(JWSAlgorithm.ES256).build();
        RSAKey rs256Only = new RSAKey.Builder(generateRsa("rs256-only")).algorithm(JWSAlgorithm.RS256).build();
        TokenVerifier verifier384 = trusting(Map.of(EXTERNAL,
                new JWKSet(List.of(p384.toPublicJWK(), es256Only, rs256Only.toPublicJWK()))));
        assertThat(verifier384.verify(sign(p384, JWSAlgorithm.ES384, "p384", claims().issuer(EXTERNAL).build()))
                .subject()).isEqualTo("alice");
        // A P-384 key verifies no ES256 tokens, and a key that names its algorithm verifies no other.
        String es256NamingP384 = sign(generate("p384"), JWSAlgorithm.ES256, "p384", claims().issuer(EXTERNAL).build());
        assertThatThrownBy(() -> verifier384.verify(es256NamingP384)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("signature");
        String rs512 = sign(rs256Only, JWSAlgorithm.RS512, "rs256-only", claims().issuer(EXTERNAL).build());
        assertThatThrownBy(() -> verifier384.verify(rs512)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("signature");
        assertThat(verifier384.verify(sign(rs256Only, JWSAlgorithm.RS256, "rs256-only",
                claims().issuer(EXTERNAL).build())).subject()).isEqualTo("alice");
    }

    @Test
    void keysWithoutKidAreFoundByLibtrustIdOrTriedForTokensWithoutKid() throws Exception {
        Path pem = dir.resolve("bundle.pem");
        Files.writeString(pem, pem("PUBLIC KEY", RSA.toRSAPublicKey().getEncoded())
                + pem("PUBLIC KEY", EXTERNAL_EC.toECPublicKey().getEncoded()));
        TokenVerifier trusting = new TokenVerifier(keys, "stowage-issuer", TrustedIssuers.load(
                List.of(new StowageProperties.TrustedIssuer(EXTERNAL, pem)), "stowage-issuer"), "stowage", CLOCK);

        String noKid = sign(EXTERNAL_EC, JWSAlgorithm.ES256, null, claims().issuer(EXTERNAL).build());
        assertThat(trusting.verify(noKid).subject()).isEqualTo("alice");
        String libtrustKid = sign(RSA, JWSAlgorithm.RS256, TrustedKey.libtrustKeyId(RSA.toRSAPublicKey()),
                claims().issuer(EXTERNAL).build());
        assertThat(trusting.verify(libtrustKid).subject()).isEqualTo("alice");
        String thumbprintKid = sign(RSA, JWSAlgorithm.RS256, RSA.computeThumbprint().toString(),
                claims().issuer(EXTERNAL).build());
        assertThat(trusting.verify(thumbprintKid).subject()).isEqualTo("alice");

        String unknownKid = sign(RSA, JWSAlgorithm.RS256, "some-other-kid", claims().issuer(EXTERNAL).build());
        assertThatThrownBy(() -> trusting.verify(unknownKid)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("unknown key");
        String strangerNoKid = sign(generate("x"), JWSAlgorithm.ES256, null, claims().issuer(EXTERNAL).build());
        assertThatThrownBy(() -> trusting.verify(strangerNoKid)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("signature");
        // Keys that carry a kid of their own are not tried for a token without one.
        String noKidForKeyedIssuer = sign(RSA, JWSAlgorithm.RS256, null, claims().issuer(EXTERNAL).build());
        assertThatThrownBy(() -> trusting().verify(noKidForKeyedIssuer)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("unknown key");
    }

    @Test
    void theTokenSpecsExampleKeyHasTheExampleKid() throws Exception {
        // reference/docker-auth-jwt.md: the libtrust key ID of its example key is the kid of its example token (whose
        // signature does not verify against that key, so only the ID is checked).
        ECKey example = ECKey.parse("""
                {"kty":"EC","crv":"P-256","x":"m7zUpx3b-zmVE5cymSs64POG9QcyEpJaYCD82-549_Q",
                 "y":"dU3biz8sZ_8GPB-odm8Wxz3lNDr1xcAQQPQaOcr1fmc"}""");
        assertThat(TrustedKey.libtrustKeyId(example.toECPublicKey()))
                .isEqualTo("PYYO:TEWU:V7JH:26JV:AQTZ:LJC3:SXVJ:XGHA:34F2:2LAQ:ZRMK:Z7Q6");
    }

    private TokenVerifier trusting() throws Exception {
        return trusting(Map.of(EXTERNAL, new JWKSet(List.of(RSA.toPublicJWK(), EXTERNAL_EC.toPublicJWK())),
                OTHER_EXTERNAL, new JWKSet(OTHER_EC.toPublicJWK())));
    }

    private TokenVerifier trusting(Map<String, JWKSet> sets) throws Exception {
        List<StowageProperties.TrustedIssuer> configured = new ArrayList<>();
        for (var entry : new TreeMap<>(sets).entrySet()) {
            Path file = dir.resolve(entry.getKey().equals(EXTERNAL) ? "external.json" : "other-" + configured.size() + ".json");
            Files.writeString(file, entry.getValue().toString(true));
            configured.add(new StowageProperties.TrustedIssuer(entry.getKey(), file));
        }
        return new TokenVerifier(keys, "stowage-issuer", TrustedIssuers.load(configured, "stowage-issuer"),
                "stowage", CLOCK);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer("stowage-issuer").subject("alice").audience("stowage")
                .issueTime(Date.from(NOW)).notBeforeTime(Date.from(NOW))
                .expirationTime(Date.from(NOW.plus(Duration.ofMinutes(5)))).jwtID("j")
                .claim("access", List.of());
    }

    private static String sign(ECKey key, JWTClaimsSet claims) {
        return sign(key, JWSAlgorithm.ES256, key.getKeyID(), claims);
    }

    static String sign(JWK key, JWSAlgorithm algorithm, String kid, JWTClaimsSet claims) {
        try {
            return sign(key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key), algorithm, kid,
                    claims);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(JWSSigner signer, JWSAlgorithm algorithm, String kid, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey generate(String kid) {
        return generate(Curve.P_256, kid);
    }

    private static ECKey generate(Curve curve, String kid) {
        try {
            return new ECKeyGenerator(curve).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generateRsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
