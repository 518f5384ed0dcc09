package io.stowage.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.stowage.accounts.AccountsChanged;
import io.stowage.accounts.AuditLog;
import io.stowage.accounts.Identity;
import io.stowage.config.StowageProperties;
import io.stowage.registry.Digest;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Checks a username and password (or robot secret) with brute-force backoff and an audit record of every failure.
 * A success is remembered under a SHA-256 of the credentials, so that clients sending basic credentials with every
 * request (or asking for a token per repository) do not pay a password hash each time. A remembered sign-in in use is
 * re-checked in the background after half of {@link #REMEMBER} (is the account's stored hash still the one the
 * password matched, and may it still sign in?) and is never used longer than {@link #REMEMBER} without that check,
 * so a changed password or a disabled account takes effect on every node within it.
 */
@Service
public class SignIn {

    static final Duration REMEMBER = Duration.ofSeconds(30);

    private final Identities identities;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final AuthMetrics metrics;
    private final LoadingCache<Credentials, Remembered> remembered;

    public SignIn(Identities identities, LoginThrottle throttle, AuditLog audit, AuthMetrics metrics,
                  StowageProperties properties, Clock clock) {
        this.metrics = metrics;
        this.identities = identities;
        this.throttle = throttle;
        this.audit = audit;
        this.remembered = Caffeine.newBuilder().maximumSize(properties.auth().cache().signIns())
                .expireAfterWrite(REMEMBER)
                .refreshAfterWrite(REMEMBER.dividedBy(2)).ticker(AuthCaches.ticker(clock))
                .executor(AuthCaches.EXECUTOR).recordStats().build(new CacheLoader<Credentials, Remembered>() {
                    @Override
                    public Remembered load(Credentials credentials) {
                        return null; // only ever put: the password it would need is not kept
                    }

                    @Override
                    public Remembered reload(Credentials credentials, Remembered old) {
                        return AuthCaches.forgetOnFailure(() -> identities.recheck(credentials.username(),
                                old.storedHash()).map(identity -> new Remembered(identity, old.storedHash())).orElse(null));
                    }
                });
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
        Credentials key = Credentials.of(username, password);
        Remembered known = remembered.getIfPresent(key);
        if (known != null) {
            return Optional.of(known.identity());
        }
        Optional<Identities.Authenticated> authenticated = identities.authenticate(username, password);
        if (authenticated.isEmpty()) {
            throttle.failed(username, address);
            metrics.failed(AuthMetrics.Failure.BAD_CREDENTIALS);
            audit.record(username, address, AuditLog.LOGIN_FAILED, username, null);
            return Optional.empty();
        }
        throttle.succeeded(username, address);
        remembered.put(key, new Remembered(authenticated.get().identity(), authenticated.get().storedHash()));
        return Optional.of(authenticated.get().identity());
    }

    /** Forgets remembered sign-ins on this node, after an account was changed here. */
    @EventListener(AccountsChanged.class)
    public void forget() {
        remembered.invalidateAll();
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

    /** The cache behind this, for its metrics. */
    Cache<?, ?> cache() {
        return remembered;
    }

    /** The key of a remembered sign-in: the username (to re-check it by) and a SHA-256 of username and password. */
    private record Credentials(String username, String digest) {

        static Credentials of(String username, String password) {
            MessageDigest sha = Digest.newHasher("sha256");
            sha.update(username.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(password.getBytes(StandardCharsets.UTF_8));
            return new Credentials(username, HexFormat.of().formatHex(sha.digest()));
        }
    }

    /** Who signed in, and the stored hash the password matched. */
    private record Remembered(Identity identity, String storedHash) {
    }
}
