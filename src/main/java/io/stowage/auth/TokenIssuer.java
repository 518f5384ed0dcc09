package io.stowage.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.stowage.accounts.Identity;

/** Signs access tokens in the shape distribution expects (iss, sub, aud, exp, nbf, iat, jti, access), kid in the header. */
public class TokenIssuer {

    /**
     * The claim naming the personal access token a sign-in used (its id), so that tokens issued for it keep its
     * narrowing and die with it.
     */
    public static final String ACCESS_TOKEN_CLAIM = "stowage_pat";

    /**
     * The largest token issued: it travels in an {@code Authorization} header, and Tomcat (Stowage's own included)
     * and most proxies refuse request headers beyond 8 KiB.
     */
    public static final int MAX_TOKEN_CHARS = 8 * 1024;

    private final SigningKeySource keys;
    private final String issuer;
    private final Duration lifetime;
    private final Clock clock;

    public TokenIssuer(SigningKeySource keys, String issuer, Duration lifetime, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /**
     * Signs a token for the identity with this access.
     *
     * @throws InvalidScopeException when the token would be larger than {@link #MAX_TOKEN_CHARS}
     */
    public IssuedToken issue(Identity identity, String audience, List<Access> access) {
        // JWT times are whole seconds; truncating keeps issued_at and iat the same instant.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(identity.subject())
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("access", access.stream().map(Access::toClaim).toList());
        if (identity.token() != null) {
            claims.claim(ACCESS_TOKEN_CLAIM, identity.token().tokenId());
        }
        ECKey key = keys.signingKey();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token with key " + key.getKeyID(), e);
        }
        String token = jwt.serialize();
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new InvalidScopeException("the token for these scopes would be " + token.length()
                    + " bytes, more than " + MAX_TOKEN_CHARS + ": ask for fewer scopes");
        }
        return new IssuedToken(token, now, lifetime, List.copyOf(access));
    }
}
