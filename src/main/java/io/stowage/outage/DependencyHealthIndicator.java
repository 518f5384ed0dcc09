package io.stowage.outage;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of a dependency for readiness, answered within {@link #TIMEOUT} whatever the dependency does: a probe
 * that waits for a hung database or for an S3 client's retries would never see DOWN before its own timeout, and
 * the load balancer would keep sending traffic. The check runs on a thread of its own, one at a time: probes that
 * come while one is running wait for the same answer. Every answer goes to the {@link OutageLog}.
 */
public abstract class DependencyHealthIndicator implements HealthIndicator {

    /** Well under the 3 s a readiness probe typically allows. */
    public static final Duration TIMEOUT = Duration.ofMillis(1500);

    private final Dependency dependency;
    private final OutageLog outages;
    private final Duration timeout;
    private CompletableFuture<Outcome> running;

    private record Outcome(Health health, Throwable failure) {
    }

    protected DependencyHealthIndicator(Dependency dependency, OutageLog outages, Duration timeout) {
        this.dependency = dependency;
        this.outages = outages;
        this.timeout = timeout;
        outages.probeWith(dependency, this::health);
    }

    /** Checks the dependency and adds details to an UP answer; throws when it cannot serve requests. */
    protected abstract void check(Health.Builder builder) throws Exception;

    @Override
    public final Health health() {
        Outcome outcome;
        try {
            outcome = start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            TimeoutException late = new TimeoutException(dependency.description() + " did not answer a health check"
                    + " within " + timeout.toMillis() + " ms");
            outcome = new Outcome(Health.down(late).build(), late);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.unknown().build();
        } catch (ExecutionException e) {
            outcome = new Outcome(Health.down(e.getCause()).build(), e.getCause()); // not thrown by run(), but typed so
        }
        if (Status.UP.equals(outcome.health().getStatus())) {
            outages.available(dependency);
        } else {
            outages.failed(dependency, outcome.failure());
        }
        return outcome.health();
    }

    private synchronized CompletableFuture<Outcome> start() {
        if (running == null || running.isDone()) {
            CompletableFuture<Outcome> outcome = new CompletableFuture<>();
            Thread.ofVirtual().name(dependency.name().toLowerCase() + "-health").start(() -> outcome.complete(run()));
            running = outcome;
        }
        return running;
    }

    private Outcome run() {
        Health.Builder builder = new Health.Builder();
        try {
            check(builder);
            return new Outcome(builder.up().build(), null);
        } catch (Throwable e) { // whatever it is, the probe must get an answer
            return new Outcome(builder.down(e).build(), e);
        }
    }
}
