package io.stowage.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.stowage.metadata.SigningKeyRecord;
import io.stowage.metadata.SigningKeyRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * The ES256 (P-256) keys Stowage signs tokens with, kept in PostgreSQL so that every node signs with the newest
 * unretired key and verifies tokens of every other node. Each node reads the table again at most every
 * {@link #REFRESH} (sooner when a token names a kid it does not know), so a rotation reaches all nodes within that.
 *
 * <p>The private halves are stored sealed ({@link SigningKeyEncryption}). A key this node cannot open (sealed under a
 * key-encryption key it was not given) still verifies tokens, by its public half, but never signs: the node signs with
 * the newest key it can open, and makes one when there is none, so a lost key file costs only a new key.
 */
@Component
public class SigningKeys implements SigningKeySource, InitializingBean {

    static final Duration REFRESH = Duration.ofSeconds(60);
    /**
     * How often an unknown kid may force a reload: a flood of forged kids must not become a flood of queries, but a
     * key another node just created must be found at once. (It was 5s: a node that had read the table shortly before
     * a rotation elsewhere refused the new key's tokens, freshly issued to clients, for up to that long.)
     */
    private static final Duration UNKNOWN_KID_RELOAD = Duration.ofSeconds(1);
    private static final String ALGORITHM = JWSAlgorithm.ES256.getName();
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    private final SigningKeyRecords records;
    private final SigningKeyEncryption encryption;
    private final Clock clock;
    private final Set<String> reportedUnopenable = ConcurrentHashMap.newKeySet();
    private volatile Snapshot snapshot;

    public SigningKeys(SigningKeyRecords records, SigningKeyEncryption encryption, Clock clock) {
        this.records = records;
        this.encryption = encryption;
        this.clock = clock;
    }

    /**
     * At start: seals keys stored unencrypted by earlier versions or under a previous key-encryption key, and drops
     * the private halves of retired keys, before the first token is signed.
     */
    @Override
    public void afterPropertiesSet() {
        int forgotten = records.forgetRetiredPrivateKeys();
        if (forgotten > 0) {
            log.info("Removed the private halves of {} retired signing key(s) from the database", forgotten);
        }
        for (SigningKeyRecord key : records.active()) {
            Optional<byte[]> plain = key.sealedPrivateKey() == null ? Optional.ofNullable(key.plainPrivateKey())
                    : encryption.isCurrent(key.sealedPrivateKey()) ? Optional.empty()
                    : encryption.open(key.kid(), key.sealedPrivateKey());
            if (plain.isPresent() && records.reseal(key, encryption.seal(key.kid(), plain.get()))) {
                log.info("Signing key {} is now stored encrypted under the current key-encryption key", key.kid());
            }
        }
    }

    @Override
    public ECKey signingKey() {
        Snapshot current = current();
        if (current.signing().isEmpty()) {
            generate();
            current = reload();
        }
        return current.signing().orElseThrow(() -> new IllegalStateException("a signing key just made does not open"));
    }

    @Override
    public Optional<ECKey> publicKey(String kid) {
        Snapshot current = current();
        Optional<ECKey> key = current.find(kid);
        if (key.isEmpty() && current.loadedAt().plus(UNKNOWN_KID_RELOAD).isBefore(clock.instant())) {
            key = reload().find(kid);
        }
        return key.map(ECKey::toPublicJWK);
    }

    /** The public halves of every unretired key, as served at {@code /auth/jwks.json}. */
    public JWKSet publicKeys() {
        signingKey(); // a fresh installation publishes the key it is about to sign with
        return new JWKSet(current().keys().stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList());
    }

    /** Adds a new key, which becomes the signing key; older keys keep verifying until {@link #retire}d. */
    public String rotate() {
        String kid = generate();
        reload();
        return kid;
    }

    /** Stops publishing and accepting a key; tokens it signed stop verifying (on other nodes within {@link #REFRESH}). */
    public boolean retire(String kid) {
        boolean retired = records.retire(kid);
        reload();
        return retired;
    }

    private String generate() {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).generate();
            // RFC 7638 thumbprint: stable, unique per key and meaningful to anyone holding the JWK set.
            String kid = key.computeThumbprint().toString();
            records.insert(kid, ALGORITHM, encryption.seal(kid, key.toECPrivateKey().getEncoded()),
                    key.toECPublicKey().getEncoded());
            log.info("Generated token signing key {}", kid);
            return kid;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a P-256 signing key", e);
        }
    }

    private Snapshot current() {
        Snapshot current = snapshot;
        if (current == null || current.loadedAt().plus(REFRESH).isBefore(clock.instant())) {
            current = reload();
        }
        return current;
    }

    private Snapshot reload() {
        List<ECKey> keys = records.active().stream().filter(r -> r.algorithm().equals(ALGORITHM))
                .map(this::decode).toList();
        Snapshot fresh = new Snapshot(keys, clock.instant());
        snapshot = fresh;
        return fresh;
    }

    /** The key pair, or its public half alone when this node cannot open the private one. */
    private ECKey decode(SigningKeyRecord record) {
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            ECPublicKey publicKey = (ECPublicKey) factory.generatePublic(new X509EncodedKeySpec(record.publicKey()));
            ECKey.Builder key = new ECKey.Builder(Curve.P_256, publicKey).keyID(record.kid())
                    .algorithm(JWSAlgorithm.ES256).keyUse(KeyUse.SIGNATURE);
            Optional<byte[]> privateKey = record.sealedPrivateKey() != null
                    ? encryption.open(record.kid(), record.sealedPrivateKey())
                    : Optional.ofNullable(record.plainPrivateKey());
            if (privateKey.isPresent()) {
                key.privateKey((ECPrivateKey) factory.generatePrivate(new PKCS8EncodedKeySpec(privateKey.get())));
            } else if (reportedUnopenable.add(record.kid())) {
                log.warn("Signing key {} is encrypted under key-encryption key {}, which this node was not given: it"
                        + " verifies tokens here but does not sign them. Give every node the same"
                        + " stowage.auth.key-encryption.key", record.kid(),
                        record.sealedPrivateKey() == null ? "(none)" : SigningKeyEncryption.sealedWith(record.sealedPrivateKey()));
            }
            return key.build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + record.kid() + " cannot be decoded", e);
        }
    }

    /** The unretired keys, newest first; the newest this node holds the private half of signs. */
    private record Snapshot(List<ECKey> keys, Instant loadedAt) {
        Optional<ECKey> find(String kid) {
            return keys.stream().filter(k -> k.getKeyID().equals(kid)).findFirst();
        }

        Optional<ECKey> signing() {
            return keys.stream().filter(ECKey::isPrivate).findFirst();
        }
    }
}
