package io.stowage.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One public key of a trusted external token issuer, read from a JWK set or from PEM certificates / public keys (as
 * distribution's {@code rootcertbundle}), with the algorithms it may verify: RS256, RS384 and RS512 for RSA keys of at
 * least 2048 bits, ES256 for P-256 and ES384 for P-384 keys; never {@code none}, never HMAC.
 *
 * <p>A key with a {@code kid} of its own (a JWK set entry that names one) is found by that kid only. A key without
 * one is found by the IDs tokens commonly name such keys with, its libtrust key ID (what distribution and docker_auth
 * put in {@code kid}) and its RFC 7638 thumbprint, and is tried for tokens that name no kid.
 */
record TrustedKey(JWK key, String kid, Set<String> derivedIds, JWSAlgorithm algorithm) {

    /** The algorithms a trusted issuer may sign with. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384);
    private static final int MIN_RSA_BITS = 2048;
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final Logger log = LoggerFactory.getLogger(TrustedKey.class);

    TrustedKey {
        derivedIds = Set.copyOf(derivedIds);
    }

    /** Whether a token naming {@code tokenKid} (null: none) may have been signed with this key. */
    boolean matches(String tokenKid) {
        if (tokenKid == null) {
            return kid == null;
        }
        return kid != null ? kid.equals(tokenKid) : derivedIds.contains(tokenKid);
    }

    /** Whether the token's algorithm suits this key (and the key's own {@code alg}, when it names one). */
    boolean allows(JWSAlgorithm tokenAlgorithm) {
        if (!ALGORITHMS.contains(tokenAlgorithm) || (algorithm != null && !algorithm.equals(tokenAlgorithm))) {
            return false;
        }
        if (key instanceof RSAKey) {
            return JWSAlgorithm.Family.RSA.contains(tokenAlgorithm);
        }
        Curve curve = ((ECKey) key).getCurve();
        return (Curve.P_256.equals(curve) && JWSAlgorithm.ES256.equals(tokenAlgorithm))
                || (Curve.P_384.equals(curve) && JWSAlgorithm.ES384.equals(tokenAlgorithm));
    }

    /** Whether the token's signature is this key's. */
    boolean verifies(SignedJWT jwt) {
        try {
            JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
            return jwt.verify(verifier);
        } catch (JOSEException e) {
            return false;
        }
    }

    /**
     * The usable keys in a file holding a JWK set (JSON) or PEM certificates and public keys.
     *
     * @throws IllegalArgumentException when the file cannot be read or parsed, holds a symmetric, private or too weak
     *     key, or no usable key at all
     */
    static List<TrustedKey> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
        List<TrustedKey> keys = text.stripLeading().startsWith("{") ? fromJwkSet(text) : fromPem(text);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no public key usable for token signatures"
                    + " (RSA of at least " + MIN_RSA_BITS + " bits, EC P-256 or P-384)");
        }
        return keys;
    }

    private static List<TrustedKey> fromJwkSet(String json) {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a valid JWK set: " + e.getMessage(), e);
        }
        List<TrustedKey> keys = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            String name = jwk.getKeyID() == null ? "a key without kid" : "key " + jwk.getKeyID();
            if (KeyType.OCT.equals(jwk.getKeyType())) {
                throw new IllegalArgumentException(name + " is a symmetric (HMAC) key: only public RSA and EC keys"
                        + " can be trusted, anyone holding a shared secret could sign tokens");
            }
            if (jwk.isPrivate()) {
                throw new IllegalArgumentException(name + " includes its private part: give the issuer's public"
                        + " keys only (its JWKS endpoint publishes them)");
            }
            if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) {
                log.info("Skipping {} of a trusted issuer: it is for encryption, not signatures", name);
                continue;
            }
            JWSAlgorithm algorithm = null;
            Algorithm declared = jwk.getAlgorithm();
            if (declared != null) {
                algorithm = JWSAlgorithm.parse(declared.getName());
                if (!ALGORITHMS.contains(algorithm)) {
                    log.warn("Skipping {} of a trusted issuer: its algorithm {} is not one of {}", name, declared,
                            ALGORITHMS);
                    continue;
                }
            }
            JWSAlgorithm declaredAlgorithm = algorithm;
            usable(jwk, name).ifPresent(k -> keys.add(new TrustedKey(k, k.getKeyID(),
                    k.getKeyID() == null ? derivedIds(k) : Set.of(), declaredAlgorithm)));
        }
        return keys;
    }

    private static List<TrustedKey> fromPem(String text) {
        Matcher pem = PEM.matcher(text);
        List<TrustedKey> keys = new ArrayList<>();
        int blocks = 0;
        while (pem.find()) {
            blocks++;
            String type = pem.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(pem.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PEM block " + blocks + " (" + type + ") is not valid base64", e);
            }
            PublicKey publicKey = switch (type) {
                case "CERTIFICATE" -> certificateKey(der, blocks);
                case "PUBLIC KEY" -> publicKey(der, blocks);
                default -> throw new IllegalArgumentException("PEM block " + blocks + " is a " + type
                        + (type.contains("PRIVATE") ? ", which must never leave the issuer" : "")
                        + ": only CERTIFICATE and PUBLIC KEY blocks are accepted");
            };
            JWK jwk = toJwk(publicKey, blocks);
            usable(jwk, "PEM block " + blocks).ifPresent(k -> keys.add(new TrustedKey(k, null, derivedIds(k), null)));
        }
        if (blocks == 0) {
            throw new IllegalArgumentException("neither a JWK set (JSON) nor PEM certificates or public keys");
        }
        return keys;
    }

    private static PublicKey certificateKey(byte[] der, int block) {
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            return certificate.getPublicKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("PEM block " + block + " is not a valid X.509 certificate: "
                    + e.getMessage(), e);
        }
    }

    private static PublicKey publicKey(byte[] der, int block) {
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next type
            }
        }
        throw new IllegalArgumentException("PEM block " + block + " is not an RSA or EC public key");
    }

    private static JWK toJwk(PublicKey key, int block) {
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new IllegalArgumentException("PEM block " + block + " is an EC key on an unknown curve");
            }
            return new ECKey.Builder(curve, ec).build();
        }
        throw new IllegalArgumentException("PEM block " + block + " holds a " + key.getAlgorithm()
                + " key: only RSA and EC keys are accepted");
    }

    /** The key if it can verify one of {@link #ALGORITHMS}; refuses weak RSA keys outright, skips other curves. */
    private static Optional<JWK> usable(JWK jwk, String name) {
        if (jwk instanceof RSAKey rsa) {
            if (rsa.size() < MIN_RSA_BITS) {
                throw new IllegalArgumentException(name + " is an RSA key of " + rsa.size() + " bits; at least "
                        + MIN_RSA_BITS + " are needed");
            }
            return Optional.of(jwk);
        }
        if (jwk instanceof ECKey ec && (Curve.P_256.equals(ec.getCurve()) || Curve.P_384.equals(ec.getCurve()))) {
            return Optional.of(jwk);
        }
        log.warn("Skipping {} of a trusted issuer: a {} key cannot verify any of {}", name,
                jwk instanceof ECKey ec ? ec.getCurve() : jwk.getKeyType(), ALGORITHMS);
        return Optional.empty();
    }

    /** The libtrust key ID and the RFC 7638 thumbprint of the key. */
    private static Set<String> derivedIds(JWK key) {
        Set<String> ids = new LinkedHashSet<>();
        try {
            PublicKey publicKey = key instanceof RSAKey rsa ? rsa.toRSAPublicKey() : ((ECKey) key).toECPublicKey();
            ids.add(libtrustKeyId(publicKey));
            ids.add(key.computeThumbprint().toString());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot compute the ID of a key: " + e.getMessage(), e);
        }
        return ids;
    }

    /**
     * The key ID docker's libtrust gives a public key, which distribution's token servers put in {@code kid}: the first
     * 240 bits of the SHA-256 of its DER (SubjectPublicKeyInfo) encoding, in base32, as 12 groups of 4 joined by colons.
     */
    static String libtrustKeyId(PublicKey key) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String encoded = base32(Arrays.copyOf(hash, 30));
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < encoded.length(); i += 4) {
            if (i > 0) {
                id.append(':');
            }
            id.append(encoded, i, i + 4);
        }
        return id.toString();
    }

    /** RFC 4648 base32 of a length divisible by 5 (no padding needed). */
    private static String base32(byte[] bytes) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        return out.toString();
    }
}
