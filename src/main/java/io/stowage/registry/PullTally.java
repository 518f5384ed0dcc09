package io.stowage.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.metadata.PullRecords;
import io.stowage.metadata.PullRecords.Pulls;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Counts manifest pulls in memory and writes them to PostgreSQL in one batch every few seconds and at shutdown, so
 * that a pull costs no database write on the request thread. Each node keeps its own tally; the batches add up.
 */
@Component
public class PullTally implements SmartLifecycle {

    static final long FLUSH_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(PullTally.class);

    private final ConcurrentHashMap<Long, Tally> pending = new ConcurrentHashMap<>();
    private final PullRecords records;
    private final Counter flushFailures;
    private final OutageLog outages;
    private ScheduledExecutorService flusher;

    private record Tally(long count, Instant last) {
        Tally plus(Tally other) {
            return new Tally(count + other.count, last.isAfter(other.last) ? last : other.last);
        }
    }

    public PullTally(PullRecords records, MeterRegistry meters, OutageLog outages) {
        this.records = records;
        this.outages = outages;
        Gauge.builder("stowage.pulls.pending", pending, ConcurrentHashMap::size)
                .description("Manifests whose pulls this node has counted but not yet written").register(meters);
        flushFailures = Counter.builder("stowage.pulls.flush.failures")
                .description("Pull count flushes that failed (their counts wait for the next)").register(meters);
    }

    /** One pull of the manifest (by its row id), to be written with the next flush. */
    public void pulled(long manifestId) {
        add(manifestId, new Tally(1, Instant.now()));
    }

    private void add(long manifestId, Tally tally) {
        // merge, not get-then-increment: flush removes an entry atomically, so no pull lands in a removed tally.
        pending.merge(manifestId, tally, Tally::plus);
    }

    /** Writes the pulls counted so far in one statement; kept for the next flush if the write fails. */
    public void flush() {
        List<Pulls> batch = new ArrayList<>();
        for (Long id : pending.keySet()) {
            Tally tally = pending.remove(id);
            if (tally != null) {
                batch.add(new Pulls(id, tally.count(), tally.last()));
            }
        }
        try {
            records.add(batch);
        } catch (RuntimeException e) {
            flushFailures.increment();
            Optional<Dependency> outage = Dependency.outageOf(e);
            if (outage.isPresent()) {
                outages.failed(outage.get(), e); // logged once for the outage, not every few seconds
            } else {
                log.warn("Could not write {} manifests' pull counts; retrying with the next flush", batch.size(), e);
            }
            batch.forEach(p -> add(p.manifestId(), new Tally(p.count(), p.last())));
        }
    }

    /** How many manifests have pulls not yet written. */
    public int pendingManifests() {
        return pending.size();
    }

    @Override
    public synchronized void start() {
        flusher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("pull-tally").daemon()
                .factory());
        flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH_SECONDS, FLUSH_SECONDS, TimeUnit.SECONDS);
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("Pull count flush failed", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (flusher == null) {
            return;
        }
        flusher.shutdown();
        try {
            flusher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flusher = null;
        flush(); // the last pulls of this node
    }

    @Override
    public synchronized boolean isRunning() {
        return flusher != null;
    }

    /**
     * Stops after the web server (phase {@code DEFAULT_PHASE - 2048}), so the pulls of the last requests are in the
     * final flush, and before beans are destroyed, so the data source is still there.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
