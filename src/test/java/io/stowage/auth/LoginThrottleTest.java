package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.stowage.config.StowageProperties;
import org.junit.jupiter.api.Test;

/** The brute-force backoff, on a clock the test moves. */
class LoginThrottleTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(properties(3, Duration.ofSeconds(2),
            Duration.ofSeconds(10)), clock);

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
        for (int i = 0; i < 40; i++) {
            throttle.failed("alice", "10.0.0.1");
        }
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).hasValue(Duration.ofSeconds(10));
    }

    @Test
    void accountIsPausedFromEveryAddressAndAddressForEveryAccount() {
        for (String address : List.of("10.0.0.1", "10.0.0.2", "10.0.0.3")) {
            throttle.failed("alice", address);
        }
        assertThat(throttle.retryAfter("alice", "10.0.0.9")).isPresent();
        assertThat(throttle.retryAfter("bob", "10.0.0.1")).as("other accounts from those addresses").isEmpty();

        for (String account : List.of("a", "b", "c")) {
            throttle.failed(account, "192.0.2.7");
        }
        assertThat(throttle.retryAfter("dave", "192.0.2.7")).as("spraying from one address").isPresent();
        assertThat(throttle.retryAfter("dave", "192.0.2.8")).isEmpty();
    }

    @Test
    void successClearsTheAccountAndTheAddress() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("alice", "10.0.0.1");
        }
        throttle.succeeded("alice", "10.0.0.1");
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).isEmpty();
        throttle.failed("alice", "10.0.0.1");
        assertThat(throttle.retryAfter("alice", "10.0.0.1")).as("counting starts again").isEmpty();
    }

    private static StowageProperties properties(int free, Duration initial, Duration max) {
        return new StowageProperties(Path.of("data"), null, null, null, new StowageProperties.Auth(
                StowageProperties.AuthMode.TOKEN, "stowage", "stowage", Duration.ofMinutes(5), Duration.ofDays(30),
                List.of(), List.of(), new StowageProperties.LoginBackoff(free, initial, max),
                new StowageProperties.Admin("admin", null), new StowageProperties.KeyEncryption(null, null, null)), null);
    }
}
