package io.stowage.ui;

import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.stowage.auth.SigningKeys;
import org.springframework.stereotype.Component;

/**
 * The web UI's sessions, held by the browser alone so that any node serves any request: a JWT signed with the
 * registry's own keys (shared by all nodes through PostgreSQL), naming the subject and a random CSRF token, expiring
 * after {@link #LIFETIME}. Its type and audience differ from the registry's tokens, so neither is accepted as the
 * other. The subject is resolved again on every request, so a disabled or deleted account is out at once.
 */
@Component
class UiSessions {

    static final String COOKIE = "stowage_session";
    static final Duration LIFETIME = Duration.ofHours(8);
    private static final String AUDIENCE = "stowage-ui";
    private static final JOSEObjectType TYPE = new JOSEObjectType("stowage-ui-session");

    private final SigningKeys keys;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    UiSessions(SigningKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** A signed-in visitor's session: who, and the token every form that changes something must carry back. */
    record Session(String subject, String csrf) {
    }

    /** A new session for the subject, as the cookie's value. */
    String issue(String subject) {
        byte[] csrf = new byte[16];
        random.nextBytes(csrf);
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .claim("csrf", Base64.getUrlEncoder().withoutPadding().encodeToString(csrf))
                .build();
        ECKey key = keys.signingKey();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(TYPE)
                .build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a UI session", e);
        }
        return jwt.serialize();
    }

    /** The session this cookie value holds, if it is one of ours, intact and unexpired. */
    Optional<Session> read(String value) {
        try {
            SignedJWT jwt = SignedJWT.parse(value);
            JWSHeader header = jwt.getHeader();
            if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || !TYPE.equals(header.getType())
                    || header.getKeyID() == null) {
                return Optional.empty();
            }
            Optional<ECKey> key = keys.publicKey(header.getKeyID());
            if (key.isEmpty() || !jwt.verify(new ECDSAVerifier(key.get().toECPublicKey()))) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date expires = claims.getExpirationTime();
            String csrf = claims.getStringClaim("csrf");
            if (expires == null || !expires.toInstant().isAfter(clock.instant()) || claims.getSubject() == null
                    || claims.getSubject().isEmpty() || csrf == null
                    || !List.of(AUDIENCE).equals(claims.getAudience())) {
                return Optional.empty();
            }
            return Optional.of(new Session(claims.getSubject(), csrf));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
