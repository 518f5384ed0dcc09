package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.stowage.MovableClock;
import io.stowage.config.StowageProperties;
import org.junit.jupiter.api.Test;

/**
 * The brute-force backoff, on a clock the test moves: 3 free failures for an account from an address, 6 from an
 * address in all, 10 for an account from everywhere; waits of 2 s doubling up to 10 s; failures count for 15 min.
 */
class LoginThrottleTest {

    private static final Duration WINDOW = Duration.ofMinutes(15);

    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(new StowageProperties.LoginBackoff(3, 6, 10,
            Duration.ofSeconds(2), Duration.ofSeconds(10), WINDOW), clock);

    @Test
    void freeAttemptsThenAWaitThatDoublesUpToTheMaximum() {
        throttle.failed("alice", "10.0.0.1");
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).isEmpty();

        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).hasValue(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).hasValue(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).isEmpty();

        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).hasValue(Duration.ofSeconds(4));
        clock.advance(Duration.ofSeconds(4));
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).hasValue(Duration.ofSeconds(8));
        clock.advance(Duration.ofSeconds(8));
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).hasValue(Duration.ofSeconds(10));
    }

    /** Finding 4a: the attacker's failures pause the attacker's address only; the owner signs in from elsewhere. */
    @Test
    void failuresFromOneAddressNeverPauseTheAccountForAnotherAddress() {
        for (int i = 0; i < 100; i++) {
            throttle.failed("admin", "192.0.2.66");
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(throttle.retryAfter("admin", "192.0.2.66")).as("the attacker waits").isPresent();
        assertThat(throttle.retryAfter("admin", "10.0.0.1")).as("the administrator, elsewhere").isEmpty();
        assertThat(throttle.retryAfter("bob", "10.0.0.1")).isEmpty();
    }

    /** Finding 4a: one failure every 15 min used to keep the account paused for ever; old failures stop counting. */
    @Test
    void failuresOlderThanTheWindowStopCounting() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("alice", "10.0.0.1");
        }
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).isPresent();
        clock.advance(WINDOW);
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).as("one failure in the window").isEmpty();

        for (int i = 0; i < 20; i++) {
            clock.advance(WINDOW.plusSeconds(1));
            throttle.failed("alice", "10.0.0.1");
            assertThat(throttle.retryAfter("alice", "10.0.0.1")).as("a failure every window, round %d", i).isEmpty();
        }
    }

    /** Finding 4b: spraying from one address is paused, and a valid sign-in in between forgives nothing of it. */
    @Test
    void sprayingFromOneAddressIsPausedDespiteSuccessesForOtherAccounts() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("victim" + i, "192.0.2.7");
            throttle.succeeded("sprayer", "192.0.2.7");
        }
        assertThat(throttle.retryAfter("victim9", "192.0.2.7")).isEmpty();
        throttle.failed("victim5", "192.0.2.7");
        throttle.succeeded("sprayer", "192.0.2.7");
        assertThat(throttle.retryAfter("victim6", "192.0.2.7")).as("six failures from the address").isPresent();
        assertThat(throttle.retryAfter("sprayer", "192.0.2.7")).as("the address waits, whoever it claims to be")
                .isPresent();
        assertThat(throttle.retryAfter("victim6", "192.0.2.8")).isEmpty();
    }

    @Test
    void successForgivesThatAccountFromThatAddressOnly() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("alice", "10.0.0.1");
        }
        throttle.succeeded("alice", "10.0.0.1");
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).isEmpty();
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).as("counting starts again").isEmpty();
        for (int i = 0; i < 2; i++) {
            throttle.failed("bob", "10.0.0.1");
        }
        assertThat(throttle.retryAfter("carol", "10.0.0.1")).as("six failures from the address in all").isPresent();
    }

    /** A guess spread over many addresses: each address that failed gets one try per window; clean ones go on. */
    @Test
    void aGuessFromManyAddressesLeavesEachOneTryPerWindowAndCleanAddressesAlone() {
        for (int i = 0; i < 9; i++) {
            throttle.failed("admin", "198.51.100." + i);
        }
        assertThat(throttle.retryAfter("admin", "198.51.100.1")).as("below the account's ceiling").isEmpty();
        throttle.failed("admin", "198.51.100.9");
        assertThat(throttle.retryAfter("admin", "198.51.100.1")).isPresent();
        assertThat(throttle.retryAfter("admin", "198.51.100.9")).hasValue(WINDOW);
        assertThat(throttle.retryAfter("admin", "10.0.0.1")).as("an address that never failed").isEmpty();
        assertThat(throttle.retryAfter("bob", "198.51.100.1")).as("other accounts").isEmpty();
        clock.advance(WINDOW);
        assertThat(throttle.retryAfter("admin", "198.51.100.9")).isEmpty();
    }

    @Test
    void stateIsBoundedWhateverClientsSend() {
        String longName = "x".repeat(1_000_000);
        for (int i = 0; i < 3; i++) {
            throttle.failed(longName, "10.0.0.1");
        }
        assertThat(throttle.retryAfter(longName, "10.0.0.1")).as("long names still count").isPresent();
        assertThat(throttle.retryAfter("x".repeat(999_999) + "y", "10.0.0.1")).isEmpty();
        assertThat(throttle.pairs().policy().eviction()).hasValueSatisfying(
                eviction -> assertThat(eviction.getMaximum()).isEqualTo(LoginThrottle.MAX_KEYS));
    }

    @Test
    void forgettingAnAddressForgivesItsFailures() {
        for (int i = 0; i < 6; i++) {
            throttle.failed("user" + (i % 2), "10.0.0.1");
        }
        assertThat(throttle.retryAfter("user0", "10.0.0.1")).isPresent();
        throttle.forgetAddress("10.0.0.1");
        assertThat(throttle.retryAfter("user0", "10.0.0.1")).isEmpty();
        assertThat(throttle.retryAfter("user9", "10.0.0.1")).isEmpty();
    }
}
