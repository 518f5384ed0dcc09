package io.stowage.auth;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * What the caches of tokens, sign-ins and identities share: their time is the application's {@link Clock} (which
 * tests move), and their background re-checks, which query PostgreSQL, run on virtual threads rather than in the
 * common fork-join pool, which has a single thread on two cores.
 */
final class AuthCaches {

    static final Executor EXECUTOR = Executors.newVirtualThreadPerTaskExecutor();

    private AuthCaches() {
    }

    static Ticker ticker(Clock clock) {
        return () -> clock.millis() * 1_000_000L;
    }
}
