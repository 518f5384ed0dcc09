package io.stowage.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import io.stowage.registry.Digest;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Checks a username and password (or robot secret) with brute-force backoff and an audit record of every failure.
 * A success is remembered for {@link #REMEMBER} under a SHA-256 of the credentials, so that clients sending basic
 * credentials with every request (or asking for a token per repository) do not pay a password hash each time.
 */
@Service
public class SignIn {

    static final Duration REMEMBER = Duration.ofSeconds(30);
    private static final int LIMIT = 10_000;

    private final Identities identities;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final AuthMetrics metrics;
    private final ExpiringCache<String, Identity> remembered;

    public SignIn(Identities identities, LoginThrottle throttle, AuditLog audit, AuthMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.identities = identities;
        this.throttle = throttle;
        this.audit = audit;
        this.remembered = new ExpiringCache<>(REMEMBER, LIMIT, clock);
    }

    /**
     * The identity these credentials belong to, or empty when they are wrong (recorded in the audit trail).
     *
     * @throws TooManyAttemptsException when this address must wait after earlier failures (see {@link LoginThrottle})
     */
    public Optional<Identity> signIn(String username, String password, String address) {
        // Before the remembered sign-ins: a paused guesser must not learn that a guess matched someone's recent one.
        Optional<Duration> wait = throttle.retryAfter(username, address);
        if (wait.isPresent()) {
            metrics.failed(AuthMetrics.Failure.THROTTLED);
            throw new TooManyAttemptsException(wait.get());
        }
        String key = key(username, password);
        Identity known = remembered.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Identity> identity = identities.authenticate(username, password);
        if (identity.isEmpty()) {
            throttle.failed(username, address);
            metrics.failed(AuthMetrics.Failure.BAD_CREDENTIALS);
            audit.record(username, address, AuditLog.LOGIN_FAILED, username, null);
            return identity;
        }
        throttle.succeeded(username, address);
        remembered.put(key, identity.get());
        return identity;
    }

    /** Forgets remembered sign-ins on this node, after an account was changed here. */
    @EventListener(AccountsChanged.class)
    public void forget() {
        remembered.clear();
    }

    private static String key(String username, String password) {
        MessageDigest sha = Digest.newHasher("sha256");
        sha.update(username.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(password.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }


    /** Sign-ins for this account or from this address are paused; retry after {@link #retryAfter()}. */
    public static final class TooManyAttemptsException extends RuntimeException {
        private final Duration retryAfter;

        public TooManyAttemptsException(Duration retryAfter) {
            super("too many failed sign-ins, retry in " + Math.max(1, retryAfter.toSeconds()) + "s");
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** The cache behind this, for its hit rate. */
    ExpiringCache<?, ?> cache() {
        return remembered;
    }
}
