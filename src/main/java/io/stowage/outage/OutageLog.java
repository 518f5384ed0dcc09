package io.stowage.outage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Logs outages of the database and the blob storage as a few lines instead of one stack trace per refused request:
 * one WARN when a dependency goes down, then at most one summary line per {@link #SUMMARY_INTERVAL} of the requests
 * refused meanwhile, and one INFO when it answers again. While a dependency is down its health check runs every
 * {@link #PROBE_INTERVAL}, so that its return is noticed even when nothing probes readiness.
 */
@Component
public class OutageLog implements SmartLifecycle {

    static final Duration SUMMARY_INTERVAL = Duration.ofSeconds(10);
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    private static final int MAX_CAUSE_LENGTH = 300;
    private static final Logger log = LoggerFactory.getLogger(OutageLog.class);

    private final Clock clock;
    private final Map<Dependency, Watch> watches = new EnumMap<>(Dependency.class);
    private ScheduledExecutorService ticker;

    public OutageLog(Clock clock) {
        this.clock = clock;
        for (Dependency dependency : Dependency.values()) {
            watches.put(dependency, new Watch(dependency));
        }
    }

    /** A request was answered 503 because the dependency failed it. */
    public void refused(Dependency dependency, Throwable cause) {
        watches.get(dependency).failed(cause, true);
    }

    /** The dependency failed something no client waits for (a health check, a background job): nothing refused. */
    public void failed(Dependency dependency, Throwable cause) {
        watches.get(dependency).failed(cause, false);
    }

    /** The dependency answered. */
    public void available(Dependency dependency) {
        watches.get(dependency).available();
    }

    /** Whether the dependency is down as far as this node saw last. */
    public boolean isDown(Dependency dependency) {
        return watches.get(dependency).isDown();
    }

    /** What to run while the dependency is down to notice that it is back (its health check, which reports here). */
    public void probeWith(Dependency dependency, Runnable probe) {
        watches.get(dependency).probe = probe;
    }

    /** Writes the summaries that are due and probes what is down; runs every second. */
    void tick() {
        for (Watch watch : watches.values()) {
            watch.summarizeIfDue();
            watch.probeIfDue();
        }
    }

    @Override
    public synchronized void start() {
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("outage-log").daemon().factory());
        ticker.scheduleWithFixedDelay(this::tickQuietly, 1, 1, TimeUnit.SECONDS);
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("Outage log tick failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return ticker != null;
    }

    /** One line for a failure: its type and message, and what caused it at the root, never a stack trace. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 32; depth++) {
            root = root.getCause();
        }
        String text = failure.toString();
        if (root != failure) {
            text += "; caused by " + root;
        }
        text = text.replaceAll("[\\r\\n\\t]+", " ");
        return text.length() > MAX_CAUSE_LENGTH ? text.substring(0, MAX_CAUSE_LENGTH) + "…" : text;
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** The state of one dependency as this node sees it. */
    private final class Watch {

        private final Dependency dependency;
        private volatile boolean down;
        private volatile Runnable probe;
        private Instant downSince;
        private Instant lastSummary;
        private Instant lastProbe = Instant.MIN;
        private long refusedSinceSummary;
        private long refusedInOutage;
        private String lastCause;

        Watch(Dependency dependency) {
            this.dependency = dependency;
        }

        boolean isDown() {
            return down;
        }

        synchronized void failed(Throwable cause, boolean refusedRequest) {
            Instant now = clock.instant();
            lastCause = describe(cause);
            if (!down) {
                down = true;
                downSince = now;
                lastSummary = now;
                lastProbe = now;
                refusedSinceSummary = 0;
                refusedInOutage = 0;
                log.warn("{} unavailable: {}; requests that need it are answered 503 until it is back",
                        capitalized(), lastCause);
            }
            if (refusedRequest) {
                refusedSinceSummary++;
                refusedInOutage++;
            }
        }

        void available() {
            if (!down) {
                return; // the common case, on every health check: no lock taken
            }
            synchronized (this) {
                if (!down) {
                    return;
                }
                down = false;
                log.info("{} available again after {}; {} requests were answered 503 meanwhile", capitalized(),
                        seconds(Duration.between(downSince, clock.instant())), refusedInOutage);
            }
        }

        synchronized void summarizeIfDue() {
            Instant now = clock.instant();
            if (!down || refusedSinceSummary == 0 || now.isBefore(lastSummary.plus(SUMMARY_INTERVAL))) {
                return;
            }
            log.warn("{} requests answered 503 in the last {}: {} unavailable ({})", refusedSinceSummary,
                    seconds(Duration.between(lastSummary, now)), dependency.description(), lastCause);
            refusedSinceSummary = 0;
            lastSummary = now;
        }

        void probeIfDue() {
            Runnable check = probe;
            synchronized (this) {
                Instant now = clock.instant();
                if (!down || check == null || now.isBefore(lastProbe.plus(PROBE_INTERVAL))) {
                    return;
                }
                lastProbe = now;
            }
            check.run(); // outside the lock: the check reports back through failed() or available()
        }

        private String capitalized() {
            String text = dependency.description();
            return Character.toUpperCase(text.charAt(0)) + text.substring(1);
        }
    }
}
