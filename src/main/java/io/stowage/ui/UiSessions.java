package io.stowage.ui;

import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import io.stowage.metadata.SessionRevocationRecords;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

/**
 * The web UI's sessions, held by the browser alone so that any node serves any request: a JWT signed with the
 * registry's own keys (shared by all nodes through PostgreSQL), naming the subject and a random CSRF token, expiring
 * after {@link #LIFETIME}. Its type and audience differ from the registry's tokens, so neither is accepted as the
 * other. The subject is resolved again on every request, so a disabled or deleted account is out at once. Visitors
 * who have not signed in (and everyone when auth is off) get a session with an empty subject: their forms need a
 * CSRF token too, or a page on another site could make their browser delete tags of an open registry. Signing out
 * revokes a signed-in session on every node ({@link #revoke}); the filter checks that before accepting one.
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

    private final SessionRevocationRecords revocations;

    UiSessions(SigningKeys keys, Clock clock, SessionRevocationRecords revocations) {
        this.keys = keys;
        this.clock = clock;
        this.revocations = revocations;
    }

    /** Ends the session everywhere: its cookie, copied or not, is refused from now until it expires. */
    void revoke(Session session) {
        revocations.revoke(session.id(), session.expiresAt());
    }

    /** Whether the session was signed out of. Anonymous sessions are never revoked, so this asks only for others. */
    boolean revoked(Session session) {
        return !session.subject().isEmpty() && revocations.isRevoked(session.id());
    }

    /**
     * A visitor's session: its id (what signing out revokes), who (empty: nobody signed in), the token every form
     * that changes something must carry back, and when it expires.
     */
    record Session(String id, String subject, String csrf, Instant expiresAt) {
    }

    /** A session just issued: the cookie's value and the session it holds. */
    record Issued(String value, Session session) {
    }

    /** A new session for the subject (empty: nobody signed in). */
    Issued issue(String subject) {
        String id = randomToken();
        String csrf = randomToken();
        Instant now = clock.instant();
        Instant expires = now.plus(LIFETIME);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .jwtID(id)
                .subject(subject)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .claim("csrf", csrf)
                .build();
        ECKey key = keys.signingKey();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(TYPE)
                .build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a UI session", e);
        }
        return new Issued(jwt.serialize(), new Session(id, subject, csrf, expires.truncatedTo(ChronoUnit.SECONDS)));
    }

    private String randomToken() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The cookie holding a session (an empty value and no lifetime remove it): never readable by scripts. */
    static ResponseCookie cookie(String value, Duration maxAge, boolean secure) {
        return ResponseCookie.from(COOKIE, value).path("/ui").httpOnly(true).secure(secure).sameSite("Lax")
                .maxAge(maxAge).build();
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
                    || csrf == null || claims.getJWTID() == null
                    || !List.of(AUDIENCE).equals(claims.getAudience())) {
                return Optional.empty();
            }
            return Optional.of(new Session(claims.getJWTID(), claims.getSubject(), csrf, expires.toInstant()));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
