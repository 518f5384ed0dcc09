package io.stowage.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.stowage.config.StowageProperties;
import io.stowage.registry.Digest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Brute-force protection, counting the failed sign-ins of the last {@code window} three ways: for one account from
 * one address, from one address for any account, and for one account from anywhere. An address that has failed
 * {@code free-attempts} times for an account, or {@code address-free-attempts} times in all, waits before its next
 * try, doubling with every further failure up to {@code max-delay}. A guess spread over many addresses
 * ({@code account-free-attempts} failures for one account) leaves each of them one try per window. What never
 * happens: an address without failures being refused, however hard the account is attacked elsewhere, so nobody can
 * lock the administrator out; and a success for one account forgiving the address its failures for others (a
 * sprayer with one valid account of its own). Kept per node, in bounded memory.
 */
@Component
public class LoginThrottle {

    /** Per kind of count: an attacker inventing addresses or names pushes out the coldest entries, one at a time. */
    static final int MAX_KEYS = 100_000;
    /** Longer names or addresses are kept as their digest: no client chooses how much memory a key takes. */
    private static final int MAX_KEY_LENGTH = 128;

    private final StowageProperties.LoginBackoff settings;
    private final Clock clock;
    private final long windowMillis;
    private final Cache<Pair, Failures> byPair;
    private final Cache<String, Failures> byAddress;
    private final Cache<String, Failures> byAccount;

    @Autowired
    public LoginThrottle(StowageProperties properties, Clock clock) {
        this(properties.auth().loginBackoff(), clock);
    }

    public LoginThrottle(StowageProperties.LoginBackoff settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.windowMillis = settings.window().toMillis();
        this.byPair = counts(settings, clock);
        this.byAddress = counts(settings, clock);
        this.byAccount = counts(settings, clock);
    }

    private static <K> Cache<K, Failures> counts(StowageProperties.LoginBackoff settings, Clock clock) {
        // Every failure rewrites its entry, so an entry expires one window after its newest failure: by then none of
        // its failures counts any more.
        return Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterWrite(settings.window())
                .ticker(AuthCaches.ticker(clock)).executor(AuthCaches.EXECUTOR).recordStats().build();
    }

    /** How long the caller must wait before this attempt may be checked at all; empty when it may go ahead. */
    public Optional<Duration> retryAfter(String account, String address) {
        long now = clock.millis();
        long since = now - windowMillis;
        Failures pair = byPair.getIfPresent(new Pair(key(account), key(address)));
        long until = Math.max(blockedUntil(pair, settings.freeAttempts(), since),
                blockedUntil(byAddress.getIfPresent(key(address)), settings.addressFreeAttempts(), since));
        if (pair != null && pair.count(since) > 0) {
            Failures everywhere = byAccount.getIfPresent(key(account));
            if (everywhere != null && everywhere.count(since) >= settings.accountFreeAttempts()) {
                until = Math.max(until, pair.newest() + windowMillis);
            }
        }
        return until > now ? Optional.of(Duration.ofMillis(until - now)) : Optional.empty();
    }

    public void failed(String account, String address) {
        long now = clock.millis();
        long since = now - windowMillis;
        String accountKey = key(account);
        String addressKey = key(address);
        int doublings = doublingsToMaxDelay();
        byPair.asMap().compute(new Pair(accountKey, addressKey),
                (k, old) -> Failures.add(old, now, since, settings.freeAttempts() + doublings));
        byAddress.asMap().compute(addressKey,
                (k, old) -> Failures.add(old, now, since, settings.addressFreeAttempts() + doublings));
        byAccount.asMap().compute(accountKey,
                (k, old) -> Failures.add(old, now, since, settings.accountFreeAttempts()));
    }

    /**
     * The account's password was right from this address: its failures for this account are forgiven. Not those for
     * other accounts, nor the account's elsewhere: either would let a valid sign-in launder a guessing run.
     */
    public void succeeded(String account, String address) {
        byPair.invalidate(new Pair(key(account), key(address)));
    }

    /** Forgets every failure counted from this address, for an operator who knows it is a friend (and for tests). */
    public void forgetAddress(String address) {
        String addressKey = key(address);
        byAddress.invalidate(addressKey);
        byPair.asMap().keySet().removeIf(pair -> pair.address().equals(addressKey));
    }

    /** The counts, for their sizes and evictions. */
    Cache<?, ?> pairs() {
        return byPair;
    }

    Cache<?, ?> addresses() {
        return byAddress;
    }

    Cache<?, ?> accounts() {
        return byAccount;
    }

    private long blockedUntil(Failures failures, int free, long since) {
        if (failures == null) {
            return Long.MIN_VALUE;
        }
        int count = failures.count(since);
        if (count < free) {
            return Long.MIN_VALUE;
        }
        long delay = settings.initialDelay().toMillis() << Math.min(count - free, 30);
        return failures.newest() + Math.min(delay, settings.maxDelay().toMillis());
    }

    /** Failures beyond this many past the free ones change nothing: the wait is at its longest already. */
    private int doublingsToMaxDelay() {
        long initial = settings.initialDelay().toMillis();
        int doublings = 0;
        while (doublings < 30 && (initial << doublings) < settings.maxDelay().toMillis()) {
            doublings++;
        }
        return doublings + 1;
    }

    private static String key(String value) {
        if (value.length() <= MAX_KEY_LENGTH) {
            return value;
        }
        return "sha256:" + HexFormat.of().formatHex(Digest.newHasher("sha256")
                .digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    private record Pair(String account, String address) {
    }

    /** The times (epoch milliseconds, oldest first) of the newest failures in the window, as many as matter. */
    private record Failures(long[] times) {

        static Failures add(Failures old, long now, long since, int keep) {
            long[] previous = old == null ? new long[0] : old.times;
            int from = 0;
            while (from < previous.length && previous[from] <= since) {
                from++;
            }
            from = Math.max(from, previous.length - keep + 1);
            long[] times = Arrays.copyOfRange(previous, from, previous.length + 1);
            times[times.length - 1] = now;
            return new Failures(times);
        }

        int count(long since) {
            int count = 0;
            for (int i = times.length - 1; i >= 0 && times[i] > since; i--) {
                count++;
            }
            return count;
        }

        long newest() {
            return times[times.length - 1];
        }
    }
}
