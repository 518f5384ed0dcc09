package io.stowage.outage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** A readiness check answers within its bound whatever the dependency does, and tells the outage log. */
class DependencyHealthIndicatorTest {

    private final OutageLog outages = new OutageLog(Clock.systemUTC());
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger checks = new AtomicInteger();
    private volatile boolean hang = true;
    private volatile Exception failure;

    private final DependencyHealthIndicator indicator = new DependencyHealthIndicator(Dependency.DATABASE, outages,
            Duration.ofMillis(300)) {
        @Override
        protected void check(Health.Builder builder) throws Exception {
            checks.incrementAndGet();
            if (hang) {
                release.await(1, TimeUnit.MINUTES);
            }
            if (failure != null) {
                throw failure;
            }
            builder.withDetail("database", "PostgreSQL");
        }
    };

    @AfterEach
    void releaseTheHungCheck() {
        release.countDown();
    }

    @Test
    void aHungDependencyIsDownWithinTheBoundAndIsCheckedOnceAtATime() {
        long started = System.nanoTime();
        Health first = indicator.health();
        Health second = indicator.health();
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(first.getStatus()).isEqualTo(Status.DOWN);
        assertThat(second.getStatus()).isEqualTo(Status.DOWN);
        assertThat(first.getDetails().get("error").toString()).contains("did not answer a health check within 300 ms");
        // Two probes of 300 ms each, generously bounded: the issue asks for an answer within about 2 s.
        assertThat(elapsed).isLessThan(2_000);
        assertThat(checks).as("the second probe waited for the check already running").hasValue(1);
        assertThat(outages.isDown(Dependency.DATABASE)).isTrue();
    }

    @Test
    void anAnswerIsPassedOnAndTheOutageLogLearnsOfIt() {
        hang = false;
        failure = new java.sql.SQLException("Connection refused", "08001");
        Health down = indicator.health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails().get("error").toString()).contains("Connection refused");
        assertThat(outages.isDown(Dependency.DATABASE)).isTrue();

        failure = null;
        Health up = indicator.health();
        assertThat(up.getStatus()).isEqualTo(Status.UP);
        assertThat(up.getDetails()).containsEntry("database", "PostgreSQL");
        assertThat(outages.isDown(Dependency.DATABASE)).isFalse();
    }
}
