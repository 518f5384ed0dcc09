package io.stowage.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.stowage.config.StowageProperties;
import org.springframework.stereotype.Component;

/**
 * Brute-force protection: after {@code free-attempts} failed sign-ins for one account, or from one address, further
 * attempts are refused until a wait has passed that doubles with every failure (up to {@code max-delay}). A success
 * clears the account's and the address's record. Kept per node: N nodes allow at most N times the attempts.
 */
@Component
public class LoginThrottle {

    private static final int LIMIT = 100_000;

    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();
    private final StowageProperties.LoginBackoff settings;
    private final Clock clock;

    public LoginThrottle(StowageProperties properties, Clock clock) {
        this.settings = properties.auth().loginBackoff();
        this.clock = clock;
    }

    /** How long the caller must wait before this attempt may be checked at all; empty when it may go ahead. */
    public Optional<Duration> retryAfter(String account, String address) {
        Instant now = clock.instant();
        Instant until = later(blockedUntil("account:" + account), blockedUntil("address:" + address));
        return until != null && until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    public void failed(String account, String address) {
        record("account:" + account);
        record("address:" + address);
    }

    public void succeeded(String account, String address) {
        failures.remove("account:" + account);
        failures.remove("address:" + address);
    }

    private void record(String key) {
        if (failures.size() >= LIMIT) {
            Instant now = clock.instant();
            failures.values().removeIf(f -> f.blockedUntil() == null || f.blockedUntil().isBefore(now));
        }
        failures.compute(key, (k, previous) -> {
            int count = previous == null ? 1 : previous.count() + 1;
            Instant blockedUntil = null;
            if (count >= settings.freeAttempts()) {
                int doublings = Math.min(count - settings.freeAttempts(), 30);
                Duration delay = settings.initialDelay().multipliedBy(1L << doublings);
                if (delay.compareTo(settings.maxDelay()) > 0) {
                    delay = settings.maxDelay();
                }
                blockedUntil = clock.instant().plus(delay);
            }
            return new Failures(count, blockedUntil);
        });
    }

    private Instant blockedUntil(String key) {
        Failures f = failures.get(key);
        return f == null ? null : f.blockedUntil();
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private record Failures(int count, Instant blockedUntil) {
    }
}
