package io.stowage.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import io.stowage.config.PrivateFiles;
import io.stowage.config.StowageProperties;
import io.stowage.registry.Digest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Seals the private halves of the token signing keys for the database, and opens them again: a JWE (direct
 * AES-256-GCM) under the key-encryption key of {@code stowage.auth.key-encryption}, which never enters the database.
 * The JWE header names the key-encryption key ({@code kid}: a hash of it, not the key) and the signing key it holds,
 * which is authenticated with the ciphertext, so that a sealed key copied onto another row does not open there.
 */
@Component
public class SigningKeyEncryption {

    static final String KEY_FILE = "signing-keys.key";
    /** The JWE header parameter naming the signing key sealed inside. */
    private static final String SEALED_KID = "stowage-signing-kid";
    private static final Logger log = LoggerFactory.getLogger(SigningKeyEncryption.class);

    private final String currentId;
    private final Map<String, SecretKey> keys;

    @Autowired
    public SigningKeyEncryption(StowageProperties properties) {
        this(loadCurrent(properties.auth().keyEncryption(), properties.dataDir()),
                properties.auth().keyEncryption().previousKeys());
    }

    SigningKeyEncryption(String current, List<String> previous) {
        Map<String, SecretKey> loaded = new LinkedHashMap<>();
        SecretKey key = decode(current, "stowage.auth.key-encryption.key");
        this.currentId = id(key);
        loaded.put(currentId, key);
        for (int i = 0; i < previous.size(); i++) {
            SecretKey old = decode(previous.get(i), "stowage.auth.key-encryption.previous-keys[" + i + "]");
            loaded.putIfAbsent(id(old), old);
        }
        this.keys = Map.copyOf(loaded);
    }

    /** The private key's encoding (PKCS#8), sealed under the current key-encryption key. */
    public String seal(String kid, byte[] privateKey) {
        JWEHeader header = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
                .keyID(currentId).customParam(SEALED_KID, kid).build();
        JWEObject jwe = new JWEObject(header, new Payload(privateKey));
        try {
            jwe.encrypt(new DirectEncrypter(keys.get(currentId)));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot encrypt signing key " + kid, e);
        }
        return jwe.serialize();
    }

    /** The private key sealed for {@code kid}; empty when no configured key-encryption key opens it. */
    public Optional<byte[]> open(String kid, String sealed) {
        JWEObject jwe;
        try {
            jwe = JWEObject.parse(sealed);
        } catch (ParseException e) {
            throw new IllegalStateException("signing key " + kid + " is not a JWE", e);
        }
        SecretKey key = keys.get(jwe.getHeader().getKeyID());
        if (key == null) {
            return Optional.empty();
        }
        if (!kid.equals(jwe.getHeader().getCustomParam(SEALED_KID))) {
            throw new IllegalStateException("the sealed private key stored for " + kid + " belongs to another key");
        }
        try {
            jwe.decrypt(new DirectDecrypter(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing key " + kid + " does not decrypt: it was altered", e);
        }
        return Optional.of(jwe.getPayload().toBytes());
    }

    /** Whether {@code sealed} is under the current key-encryption key (else it is sealed again at start). */
    public boolean isCurrent(String sealed) {
        try {
            return currentId.equals(JWEObject.parse(sealed).getHeader().getKeyID());
        } catch (ParseException e) {
            return false;
        }
    }

    /** The id of the key that sealed this, as found in its header, for messages. */
    static String sealedWith(String sealed) {
        try {
            return JWEObject.parse(sealed).getHeader().getKeyID();
        } catch (ParseException e) {
            return "(unreadable)";
        }
    }

    private static String loadCurrent(StowageProperties.KeyEncryption settings, Path dataDir) {
        if (settings.key() != null && !settings.key().isBlank()) {
            return settings.key().strip();
        }
        try {
            if (settings.keyFile() != null) {
                return PrivateFiles.readSecret(settings.keyFile()).orElseThrow(() -> new IllegalStateException(
                        "stowage.auth.key-encryption.key-file " + settings.keyFile() + " does not exist or is empty"));
            }
            Path file = dataDir.resolve(KEY_FILE);
            Optional<String> existing = PrivateFiles.readSecret(file);
            if (existing.isPresent()) {
                return existing.get();
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String generated = Base64.getEncoder().encodeToString(random);
            PrivateFiles.writeSecret(file, generated);
            log.info("Generated the key that encrypts the token signing keys in the database: {} (readable by its"
                    + " owner only). Every node must use the same: set stowage.auth.key-encryption.key", file);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the key-encryption key", e);
        }
    }

    private static SecretKey decode(String base64, String property) {
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + " is not base64 (make one with: openssl rand -base64 32)");
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException(property + " must be 32 bytes (256 bits) in base64, not " + bytes.length
                    + " bytes (make one with: openssl rand -base64 32)");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /** The first 8 bytes of SHA-256 over the key: names it in headers and logs without revealing it. */
    private static String id(SecretKey key) {
        MessageDigest sha = Digest.newHasher("sha256");
        sha.update("stowage key-encryption key\0".getBytes(StandardCharsets.UTF_8));
        byte[] hash = sha.digest(key.getEncoded());
        return HexFormat.of().formatHex(hash, 0, 8);
    }
}
