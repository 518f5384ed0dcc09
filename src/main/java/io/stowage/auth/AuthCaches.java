package io.stowage.auth;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the caches of tokens, sign-ins and identities share: their time is the application's {@link Clock} (which
 * tests move), and their background re-checks, which query PostgreSQL, run on virtual threads rather than in the
 * common fork-join pool, which has a single thread on two cores.
 */
final class AuthCaches {

    static final Executor EXECUTOR = Executors.newVirtualThreadPerTaskExecutor();
    private static final Logger log = LoggerFactory.getLogger(AuthCaches.class);

    private AuthCaches() {
    }

    static Ticker ticker(Clock clock) {
        return () -> clock.millis() * 1_000_000L;
    }

    /** Loads with {@code check}, and re-checks with it in the background, see {@link #forgetOnFailure}. */
    static <K, V> CacheLoader<K, V> checkedBy(Function<K, V> check) {
        return new CacheLoader<>() {
            @Override
            public V load(K key) {
                return check.apply(key);
            }

            @Override
            public V reload(K key, V old) {
                return forgetOnFailure(() -> check.apply(key));
            }
        };
    }

    /**
     * A background re-check that fails (PostgreSQL out of reach) forgets the entry, null, rather than having Caffeine
     * log a stack trace per entry: the next request checks for itself, and its answer reports the outage once.
     */
    static <V> V forgetOnFailure(Supplier<V> recheck) {
        try {
            return recheck.get();
        } catch (RuntimeException e) {
            log.debug("Background re-check failed, entry forgotten: {}", e.toString());
            return null;
        }
    }
}
