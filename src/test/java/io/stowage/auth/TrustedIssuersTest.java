package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import io.stowage.config.StowageProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading {@code stowage.auth.trusted-issuers}: what a keys file may hold, and failing fast when it is unusable. */
class TrustedIssuersTest {

    private static final String ISSUER = "https://auth.example.com";
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    @Test
    void missingFileFailsNamingTheProperty() {
        Path missing = dir.resolve("nowhere.json");
        assertThatThrownBy(() -> load(
                new StowageProperties.TrustedIssuer("first", write("a.json", jwks())),
                new StowageProperties.TrustedIssuer(ISSUER, missing)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stowage.auth.trusted-issuers[1].keys")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void unparseableFilesFailNamingTheProperty() {
        for (String content : List.of("", "not keys at all", "{\"keys\": 3}", "{}",
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")) {
            Path file = write("bad.pem", content);
            assertThatThrownBy(() -> load(new StowageProperties.TrustedIssuer(ISSUER, file))).as(content)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("stowage.auth.trusted-issuers[0].keys");
        }
    }

    @Test
    void symmetricPrivateAndWeakKeysAreRefused() throws Exception {
        OctetSequenceKey secret = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();
        assertThatThrownBy(() -> load(new StowageProperties.TrustedIssuer(ISSUER,
                write("oct.json", new JWKSet(secret).toString(false)))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("symmetric");

        ECKey withPrivate = new ECKeyGenerator(Curve.P_256).keyID("p").generate();
        assertThatThrownBy(() -> load(new StowageProperties.TrustedIssuer(ISSUER,
                write("private.json", new JWKSet(withPrivate).toString(false)))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("private");
        assertThatThrownBy(() -> load(new StowageProperties.TrustedIssuer(ISSUER, write("private.pem",
                TokenVerifierTest.pem("PRIVATE KEY", withPrivate.toECPrivateKey().getEncoded())))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PRIVATE KEY");

        var weak = new RSAKeyGenerator(1024, true).keyID("weak").generate();
        assertThatThrownBy(() -> load(new StowageProperties.TrustedIssuer(ISSUER,
                write("weak.json", new JWKSet(weak.toPublicJWK()).toString()))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("1024 bits");
    }

    @Test
    void stowagesOwnIssuerCannotBeTrustedAsExternal() {
        assertThatThrownBy(() -> TrustedIssuers.load(List.of(
                new StowageProperties.TrustedIssuer("stowage", write("own.json", jwks()))), "stowage"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stowage.auth.trusted-issuers[0].issuer")
                .hasMessageContaining("stowage.auth.issuer");
        assertThatThrownBy(() -> load(new StowageProperties.TrustedIssuer(null, write("x.json", jwks()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stowage.auth.trusted-issuers[0].issuer");
        assertThatThrownBy(() -> load(new StowageProperties.TrustedIssuer(ISSUER, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stowage.auth.trusted-issuers[0].keys");
    }

    /**
     * A certificate bundle as distribution's {@code rootcertbundle}: certificates made by the JDK's keytool, whose
     * private keys sign tokens that name the libtrust key ID, as docker_auth does.
     */
    @Test
    void certificateBundleVerifiesTokensOfItsKeys() throws Exception {
        KeyStore rsa = keytool("rsa", "-keyalg", "RSA", "-keysize", "2048");
        KeyStore ec = keytool("ec", "-keyalg", "EC", "-groupname", "secp384r1");
        X509Certificate rsaCert = (X509Certificate) rsa.getCertificate("issuer");
        X509Certificate ecCert = (X509Certificate) ec.getCertificate("issuer");
        Path bundle = write("bundle.pem", "some text before\n"
                + TokenVerifierTest.pem("CERTIFICATE", rsaCert.getEncoded())
                + TokenVerifierTest.pem("CERTIFICATE", ecCert.getEncoded()));
        Instant now = Instant.now();
        TokenVerifier verifier = new TokenVerifier(noOwnKeys(), "stowage", TrustedIssuers.load(
                List.of(new StowageProperties.TrustedIssuer(ISSUER, bundle)), "stowage"), "stowage",
                Clock.systemUTC());
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("ci").audience("stowage")
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5)))).build();

        String rsaToken = TokenVerifierTest.sign(new RSASSASigner((PrivateKey) rsa.getKey("issuer", PASSWORD)),
                JWSAlgorithm.RS256, TrustedKey.libtrustKeyId(rsaCert.getPublicKey()), claims);
        assertThat(verifier.verify(rsaToken).externalIssuer()).isEqualTo(ISSUER);
        String ecToken = TokenVerifierTest.sign(new ECDSASigner((ECPrivateKey)
                ec.getKey("issuer", PASSWORD)), JWSAlgorithm.ES384, null, claims);
        assertThat(verifier.verify(ecToken).subject()).isEqualTo("ci");
        // The RSA certificate's key, named by the EC certificate's ID, is a wrong signature.
        String mixed = TokenVerifierTest.sign(new RSASSASigner((PrivateKey) rsa.getKey("issuer", PASSWORD)),
                JWSAlgorithm.RS256, TrustedKey.libtrustKeyId(ecCert.getPublicKey()), claims);
        assertThatThrownBy(() -> verifier.verify(mixed)).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void sameIssuerTwiceAddsItsKeys() throws Exception {
        ECKey first = new ECKeyGenerator(Curve.P_256).keyID("first").generate();
        ECKey second = new ECKeyGenerator(Curve.P_256).keyID("second").generate();
        TrustedIssuers issuers = load(
                new StowageProperties.TrustedIssuer(ISSUER, write("1.json", new JWKSet(first.toPublicJWK()).toString())),
                new StowageProperties.TrustedIssuer(ISSUER, write("2.json", new JWKSet(second.toPublicJWK()).toString())));
        TokenVerifier verifier = new TokenVerifier(noOwnKeys(), "stowage", issuers, "stowage", Clock.systemUTC());
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("ci").audience("stowage")
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5)))).build();
        for (ECKey key : List.of(first, second)) {
            assertThat(verifier.verify(TokenVerifierTest.sign(key, JWSAlgorithm.ES256, key.getKeyID(), claims))
                    .subject()).isEqualTo("ci");
        }
        assertThat(issuers.trusts(ISSUER)).isTrue();
        assertThat(issuers.trusts("stowage")).isFalse();
        assertThat(issuers.trusts(null)).isFalse();
    }

    private KeyStore keytool(String name, String... keyOptions) throws Exception {
        Path store = dir.resolve(name + ".p12");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD),
                "-alias", "issuer", "-dname", "CN=token-issuer-" + name, "-validity", "2"));
        command.addAll(List.of(keyOptions));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, PASSWORD);
        }
        return keyStore;
    }

    private static TrustedIssuers load(StowageProperties.TrustedIssuer... configured) {
        return TrustedIssuers.load(List.of(configured), "stowage");
    }

    private Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jwks() {
        try {
            return new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("k").generate()
                    .toPublicJWK()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static SigningKeySource noOwnKeys() {
        return new SigningKeySource() {
            @Override
            public ECKey signingKey() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<ECKey> publicKey(String kid) {
                return Optional.empty();
            }
        };
    }
}
