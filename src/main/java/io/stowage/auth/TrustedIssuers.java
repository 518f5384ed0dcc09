package io.stowage.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import io.stowage.config.StowageProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The external token issuers {@code stowage.auth.trusted-issuers} names, each with the public keys read from its
 * {@code keys} file at start. A token claiming one of these issuers is checked against that issuer's keys only, so a
 * key trusted for one issuer never vouches for another issuer's (or Stowage's own) tokens.
 */
public final class TrustedIssuers {

    /** No external issuer: only Stowage's own tokens are accepted. */
    public static final TrustedIssuers NONE = new TrustedIssuers(Map.of());

    private static final Logger log = LoggerFactory.getLogger(TrustedIssuers.class);

    private final Map<String, List<TrustedKey>> keysByIssuer;

    private TrustedIssuers(Map<String, List<TrustedKey>> keysByIssuer) {
        this.keysByIssuer = Map.copyOf(keysByIssuer);
    }

    /**
     * Reads every configured issuer's keys.
     *
     * @throws IllegalStateException naming the offending property when an entry is incomplete, names Stowage's own
     *     issuer, or its keys file is missing or unusable
     */
    public static TrustedIssuers load(List<StowageProperties.TrustedIssuer> configured, String ownIssuer) {
        Map<String, List<TrustedKey>> keys = new LinkedHashMap<>();
        for (int i = 0; i < configured.size(); i++) {
            StowageProperties.TrustedIssuer entry = configured.get(i);
            String property = "stowage.auth.trusted-issuers[" + i + "]";
            if (entry.issuer() == null || entry.issuer().isBlank()) {
                throw new IllegalStateException(property + ".issuer is required: the iss claim of that issuer's tokens");
            }
            if (entry.issuer().equals(ownIssuer)) {
                throw new IllegalStateException(property + ".issuer is \"" + ownIssuer + "\", which is Stowage's own"
                        + " issuer (stowage.auth.issuer): give this node another stowage.auth.issuer, so that tokens"
                        + " are checked against the right keys");
            }
            if (entry.keys() == null) {
                throw new IllegalStateException(property + ".keys is required: a file holding the issuer's public"
                        + " keys (a JWK set, or PEM certificates / public keys)");
            }
            List<TrustedKey> read;
            try {
                read = TrustedKey.read(entry.keys());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(property + ".keys (" + entry.keys() + "): " + e.getMessage(), e);
            }
            // The same issuer twice adds keys (e.g. the old and the new certificate during a rotation).
            keys.computeIfAbsent(entry.issuer(), k -> new ArrayList<>()).addAll(read);
            log.info("Trusting tokens of issuer \"{}\": {} key(s) from {}", entry.issuer(), read.size(), entry.keys());
        }
        return new TrustedIssuers(keys);
    }

    public boolean trusts(String issuer) {
        return issuer != null && keysByIssuer.containsKey(issuer);
    }

    /**
     * Checks that {@code jwt}, whose {@code iss} is {@code issuer}, is signed by one of that issuer's keys: the one its
     * {@code kid} names, or, without a kid, any of the issuer's keys that have none.
     */
    void verifySignature(String issuer, SignedJWT jwt) throws InvalidTokenException {
        List<TrustedKey> keys = keysByIssuer.get(issuer);
        if (keys == null) {
            throw new InvalidTokenException("token from an untrusted issuer");
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!TrustedKey.ALGORITHMS.contains(algorithm)) {
            throw new InvalidTokenException("unsupported token algorithm " + algorithm);
        }
        String kid = jwt.getHeader().getKeyID();
        List<TrustedKey> candidates = keys.stream().filter(k -> k.matches(kid)).toList();
        if (candidates.isEmpty()) {
            throw new InvalidTokenException("token signed by an unknown key");
        }
        for (TrustedKey key : candidates) {
            if (key.allows(algorithm) && key.verifies(jwt)) {
                return;
            }
        }
        throw new InvalidTokenException("bad token signature");
    }
}
