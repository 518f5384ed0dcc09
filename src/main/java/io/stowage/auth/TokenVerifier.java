package io.stowage.auth;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Checks a bearer token: its signature, {@code exp} and {@code nbf} (allowing {@link #CLOCK_SKEW} between nodes),
 * {@code iss} and {@code aud}; returns the access it grants. A token of Stowage's own issuer must be ES256 signed by
 * a known, unretired key of its own (by {@code kid}); a token of a {@link TrustedIssuers trusted issuer} must be signed
 * by one of that issuer's keys. Any other issuer is refused.
 */
public class TokenVerifier {

    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    /** As long as a retired key may take to reach every node anyway ({@link SigningKeys#REFRESH}). */
    static final Duration REMEMBER = Duration.ofSeconds(60);
    /** The default of {@code stowage.auth.cache.tokens}. */
    static final int REMEMBER_LIMIT = 10_000;

    private final LoadingCache<String, VerifiedToken> remembered;

    private final SigningKeySource keys;
    private final String issuer;
    private final TrustedIssuers trusted;
    private final String audience;
    private final Clock clock;

    /** A verifier of Stowage's own tokens only. */
    public TokenVerifier(SigningKeySource keys, String issuer, String audience, Clock clock) {
        this(keys, issuer, TrustedIssuers.NONE, audience, clock);
    }

    public TokenVerifier(SigningKeySource keys, String issuer, TrustedIssuers trusted, String audience, Clock clock) {
        this(keys, issuer, trusted, audience, clock, REMEMBER_LIMIT);
    }

    /** As the others, remembering at most {@code limit} verified tokens ({@code stowage.auth.cache.tokens}). */
    public TokenVerifier(SigningKeySource keys, String issuer, TrustedIssuers trusted, String audience, Clock clock,
                         int limit) {
        this.keys = keys;
        this.issuer = issuer;
        this.trusted = trusted;
        this.audience = audience;
        this.clock = clock;
        // A token in use is checked again in the background after half its time (a retired key or an expiry drops
        // it), so that a busy client never waits for its own check and is never refused for a cache's sake. Beyond
        // the limit, the least useful entry goes, one at a time; one-off tokens do not push out the busy ones.
        this.remembered = Caffeine.newBuilder().maximumSize(limit).expireAfterWrite(REMEMBER)
                .refreshAfterWrite(REMEMBER.dividedBy(2)).ticker(AuthCaches.ticker(clock))
                .executor(AuthCaches.EXECUTOR).recordStats().build(AuthCaches.checkedBy(this::recheck));
    }

    /**
     * The token's subject and access, if it is valid now. A verified token is remembered (by its exact text) for up to
     * {@link #REMEMBER}, so the signature of a token a client sends with every request is checked about once a minute.
     */
    public VerifiedToken verify(String token) throws InvalidTokenException {
        VerifiedToken known = remembered.getIfPresent(token);
        if (known != null) {
            if (!clock.instant().minus(CLOCK_SKEW).isBefore(known.expiresAt())) {
                throw new InvalidTokenException("token expired");
            }
            return known;
        }
        VerifiedToken verified = verifyNow(token);
        remembered.put(token, verified);
        return verified;
    }

    /** The background check of a remembered token: null (forget it) once it no longer verifies. */
    private VerifiedToken recheck(String token) {
        try {
            return verifyNow(token);
        } catch (InvalidTokenException e) {
            return null;
        }
    }

    private VerifiedToken verifyNow(String token) throws InvalidTokenException {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed token", e);
        }
        // The unverified iss only picks the keys to check against; it counts once a key of that issuer verified it.
        String tokenIssuer = claims.getIssuer();
        boolean own = issuer.equals(tokenIssuer);
        if (own) {
            verifyOwnSignature(jwt);
        } else if (trusted.trusts(tokenIssuer)) {
            trusted.verifySignature(tokenIssuer, jwt);
        } else {
            throw new InvalidTokenException("token from another issuer");
        }

        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null || !now.minus(CLOCK_SKEW).isBefore(exp.toInstant())) {
            throw new InvalidTokenException("token expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(CLOCK_SKEW).isBefore(nbf.toInstant())) {
            throw new InvalidTokenException("token not valid yet");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
            throw new InvalidTokenException("token for another audience");
        }
        String subject = claims.getSubject() == null ? "" : claims.getSubject();
        Long accessToken = null;
        if (own && claims.getClaim(TokenIssuer.ACCESS_TOKEN_CLAIM) != null) {
            try {
                accessToken = claims.getLongClaim(TokenIssuer.ACCESS_TOKEN_CLAIM);
            } catch (ParseException e) {
                throw new InvalidTokenException("the token's " + TokenIssuer.ACCESS_TOKEN_CLAIM + " is no number");
            }
        }
        return new VerifiedToken(subject, access(claims), exp.toInstant(), own ? null : tokenIssuer, accessToken);
    }

    private void verifyOwnSignature(SignedJWT jwt) throws InvalidTokenException {
        JWSHeader header = jwt.getHeader();
        // Never let the token choose the algorithm: only ES256, with a key we hold.
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new InvalidTokenException("unsupported token algorithm " + header.getAlgorithm());
        }
        if (header.getKeyID() == null) {
            throw new InvalidTokenException("token names no kid");
        }
        ECKey key = keys.publicKey(header.getKeyID())
                .orElseThrow(() -> new InvalidTokenException("token signed by an unknown key"));
        try {
            if (!jwt.verify(new ECDSAVerifier(key))) {
                throw new InvalidTokenException("bad token signature");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("bad token signature", e);
        }
    }

    private static List<Access> access(JWTClaimsSet claims) throws InvalidTokenException {
        Object claim = claims.getClaim("access");
        List<Access> access = new ArrayList<>();
        if (claim == null) {
            return access;
        }
        if (!(claim instanceof List<?> entries)) {
            throw new InvalidTokenException("malformed access claim");
        }
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> map) || !(map.get("type") instanceof String type)
                    || !(map.get("name") instanceof String name)) {
                throw new InvalidTokenException("malformed access claim");
            }
            List<String> actions = new ArrayList<>();
            if (map.get("actions") instanceof List<?> list) {
                for (Object action : list) {
                    if (!(action instanceof String s)) {
                        throw new InvalidTokenException("malformed access claim");
                    }
                    actions.add(s);
                }
            } else if (map.get("actions") != null) {
                throw new InvalidTokenException("malformed access claim");
            }
            access.add(new Access(type, name, actions));
        }
        return access;
    }

    /** The cache behind this, for its metrics. */
    Cache<?, ?> cache() {
        return remembered;
    }
}
