package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.stowage.TestDatabase;
import io.stowage.metadata.SigningKeyRecords;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Signing keys are stored sealed under the key-encryption key, which is not in the database: rows alone give no
 * private key; a node given another key-encryption key verifies but never signs with keys it cannot open; keys written
 * unencrypted (before 13) or under a previous key-encryption key are sealed under the current one at start. Each test
 * has a schema of its own, so the registry contexts sharing the tests' PostgreSQL see none of these keys.
 */
class SigningKeyEncryptionIT {

    private JdbcClient jdbc;
    private SigningKeyRecords records;
    private final Clock clock = Clock.systemUTC();

    @BeforeEach
    void freshSchema() {
        String schema = "kek_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Flyway.configure().dataSource(TestDatabase.jdbcUrl(), TestDatabase.username(), TestDatabase.password())
                .schemas(schema).defaultSchema(schema).locations("classpath:db/migration").load().migrate();
        DriverManagerDataSource dataSource = new DriverManagerDataSource(TestDatabase.jdbcUrl(), TestDatabase.username(),
                TestDatabase.password());
        dataSource.setSchema(schema);
        jdbc = JdbcClient.create(dataSource);
        records = new SigningKeyRecords(jdbc);
    }

    @Test
    void databaseHoldsNoUsablePrivateKey() throws Exception {
        SigningKeys node = node(newKey());
        ECKey key = node.signingKey();

        var row = jdbc.sql("select private_key, private_key_sealed from signing_keys where kid = ?")
                .param(key.getKeyID()).query((rs, n) -> new Object[] {rs.getBytes(1), rs.getString(2)}).single();
        assertThat(row[0]).isNull();
        String sealed = (String) row[1];
        assertThat(sealed).startsWith("ey").doesNotContain(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(key.toECPrivateKey().getEncoded()).substring(0, 40));
        // Whoever has the rows and another key-encryption key opens nothing.
        assertThat(new SigningKeyEncryption(newKey(), List.of()).open(key.getKeyID(), sealed)).isEmpty();
    }

    @Test
    void nodeWithAnotherKeyEncryptionKeyVerifiesButSignsWithAKeyOfItsOwn() throws Exception {
        String firstKek = newKey();
        ECKey firstKey = node(firstKek).signingKey();
        String token = sign(firstKey);

        SigningKeys misconfigured = node(newKey());
        ECKey ownKey = misconfigured.signingKey();
        assertThat(ownKey.getKeyID()).isNotEqualTo(firstKey.getKeyID());
        assertThat(ownKey.isPrivate()).isTrue();
        ECKey firstPublic = misconfigured.publicKey(firstKey.getKeyID()).orElseThrow();
        assertThat(SignedJWT.parse(token).verify(new ECDSAVerifier(firstPublic))).isTrue();
        // The first node goes on signing with its own key: the newer one is the other node's, which it cannot open.
        SigningKeys firstAgain = node(firstKek);
        assertThat(firstAgain.signingKey().getKeyID()).isEqualTo(firstKey.getKeyID());
    }

    @Test
    void keysWrittenUnencryptedAreSealedAtStartAndStillSign() throws Exception {
        ECKey legacy = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        jdbc.sql("insert into signing_keys (kid, algorithm, private_key, public_key) values (?, 'ES256', ?, ?)")
                .param(legacy.getKeyID()).param(legacy.toECPrivateKey().getEncoded())
                .param(legacy.toECPublicKey().getEncoded()).update();
        ECKey retired = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        jdbc.sql("insert into signing_keys (kid, algorithm, private_key, public_key, retired_at)"
                        + " values (?, 'ES256', ?, ?, now())")
                .param(retired.getKeyID()).param(retired.toECPrivateKey().getEncoded())
                .param(retired.toECPublicKey().getEncoded()).update();

        SigningKeys node = node(newKey());

        assertThat(jdbc.sql("select count(*) from signing_keys where private_key is not null").query(Long.class)
                .single()).isZero();
        assertThat(jdbc.sql("select private_key_sealed is null from signing_keys where kid = ?")
                .param(retired.getKeyID()).query(Boolean.class).single()).as("a retired key keeps nothing").isTrue();
        ECKey signing = node.signingKey();
        assertThat(signing.getKeyID()).isEqualTo(legacy.getKeyID());
        assertThat(signing.toECPrivateKey().getS()).isEqualTo(legacy.toECPrivateKey().getS());
    }

    @Test
    void rotatingTheKeyEncryptionKeySealsEveryKeyAgain() throws Exception {
        String oldKek = newKey();
        ECKey key = node(oldKek).signingKey();
        String newKek = newKey();

        SigningKeys rotated = new SigningKeys(records, new SigningKeyEncryption(newKek, List.of(oldKek)), clock);
        rotated.afterPropertiesSet();

        String sealed = jdbc.sql("select private_key_sealed from signing_keys where kid = ?").param(key.getKeyID())
                .query(String.class).single();
        assertThat(new SigningKeyEncryption(newKek, List.of()).open(key.getKeyID(), sealed)).isPresent();
        assertThat(new SigningKeyEncryption(oldKek, List.of()).open(key.getKeyID(), sealed)).isEmpty();
        assertThat(node(newKek).signingKey().getKeyID()).isEqualTo(key.getKeyID());
    }

    @Test
    void aSealedKeyMovedToAnotherRowDoesNotOpen() throws Exception {
        SigningKeyEncryption encryption = new SigningKeyEncryption(newKey(), List.of());
        String sealed = encryption.seal("kid-a", new byte[] {1, 2, 3});
        assertThat(encryption.open("kid-a", sealed)).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
        assertThatThrownBy(() -> encryption.open("kid-b", sealed)).hasMessageContaining("belongs to another key");
        String[] parts = sealed.split("\\.");
        parts[3] = parts[3].charAt(0) == 'A' ? "B" + parts[3].substring(1) : "A" + parts[3].substring(1);
        assertThatThrownBy(() -> encryption.open("kid-a", String.join(".", parts))).hasMessageContaining("altered");
    }

    @Test
    void keyEncryptionKeyMustBe256BitsOfBase64() {
        assertThatThrownBy(() -> new SigningKeyEncryption("not base64!", List.of()))
                .hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> new SigningKeyEncryption(Base64.getEncoder().encodeToString(new byte[16]), List.of()))
                .hasMessageContaining("32 bytes");
    }

    private SigningKeys node(String kek) {
        SigningKeys node = new SigningKeys(records, new SigningKeyEncryption(kek, List.of()), clock);
        node.afterPropertiesSet();
        return node;
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static String sign(ECKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("alice").build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
