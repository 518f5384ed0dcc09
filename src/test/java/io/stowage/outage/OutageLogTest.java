package io.stowage.outage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.stowage.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.CannotCreateTransactionException;

/** An outage is a few lines: one when it starts, a summary per interval while requests are refused, one at its end. */
class OutageLogTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final OutageLog outages = new OutageLog(clock);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(OutageLog.class);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private static Exception databaseDown() {
        return new CannotCreateTransactionException("Could not open JDBC Connection for transaction",
                new java.sql.SQLTransientConnectionException("HikariPool-1 - Connection is not available"));
    }

    private List<String> messages() {
        return lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void aThousandRefusedRequestsAreOneLineWhenItStartsAndOneSummaryPerInterval() {
        for (int i = 0; i < 1000; i++) {
            outages.refused(Dependency.DATABASE, databaseDown());
        }
        assertThat(messages()).hasSize(1);
        assertThat(messages().getFirst()).startsWith("WARN Metadata database unavailable: ")
                .contains("CannotCreateTransactionException", "HikariPool-1 - Connection is not available");
        assertThat(lines.list.getFirst().getThrowableProxy()).as("no stack trace").isNull();
        assertThat(outages.isDown(Dependency.DATABASE)).isTrue();
        assertThat(outages.isDown(Dependency.STORAGE)).isFalse();

        clock.advance(Duration.ofSeconds(9));
        outages.tick();
        assertThat(messages()).hasSize(1); // not due yet
        clock.advance(Duration.ofSeconds(1));
        outages.tick();
        outages.tick();
        assertThat(messages()).hasSize(2);
        assertThat(messages().get(1)).isEqualTo("WARN 1000 requests answered 503 in the last 10.0 s: metadata database"
                + " unavailable (" + OutageLog.describe(databaseDown()) + ")");

        clock.advance(Duration.ofSeconds(30));
        outages.tick();
        assertThat(messages()).as("nothing refused, nothing to say").hasSize(2);
        for (int i = 0; i < 5; i++) {
            outages.refused(Dependency.DATABASE, databaseDown());
        }
        outages.tick();
        assertThat(messages().get(2)).startsWith("WARN 5 requests answered 503 in the last 30.0 s");

        outages.available(Dependency.DATABASE);
        outages.available(Dependency.DATABASE);
        assertThat(messages()).hasSize(4);
        assertThat(messages().get(3)).isEqualTo("INFO Metadata database available again after 40.0 s; 1005 requests"
                + " were answered 503 meanwhile");
        assertThat(outages.isDown(Dependency.DATABASE)).isFalse();
    }

    @Test
    void failuresNoRequestWaitedForMarkTheOutageButAreNotCounted() {
        outages.failed(Dependency.STORAGE, new java.io.IOException("S3 HeadBucket failed"));
        outages.failed(Dependency.STORAGE, new java.io.IOException("S3 HeadBucket failed"));
        clock.advance(Duration.ofSeconds(15));
        outages.tick();
        outages.available(Dependency.STORAGE);
        assertThat(messages()).containsExactly(
                "WARN Blob storage unavailable: java.io.IOException: S3 HeadBucket failed; requests that need it are"
                        + " answered 503 until it is back",
                "INFO Blob storage available again after 15.0 s; 0 requests were answered 503 meanwhile");
    }

    @Test
    void aDependencyThatIsDownIsProbedEverySecondUntilItIsBack() {
        AtomicInteger probes = new AtomicInteger();
        outages.probeWith(Dependency.STORAGE, () -> {
            if (probes.incrementAndGet() == 3) {
                outages.available(Dependency.STORAGE);
            }
        });
        outages.tick();
        assertThat(probes).as("up: never probed").hasValue(0);
        outages.refused(Dependency.STORAGE, new java.io.IOException("gone"));
        outages.tick();
        assertThat(probes).as("not a second yet").hasValue(0);
        for (int second = 1; second <= 5; second++) {
            clock.advance(Duration.ofMillis(500));
            outages.tick();
            clock.advance(Duration.ofMillis(500));
            outages.tick();
        }
        assertThat(probes).as("once a second until it answered").hasValue(3);
        assertThat(outages.isDown(Dependency.STORAGE)).isFalse();
    }

    @Test
    void aCauseIsOneBoundedLine() {
        String described = OutageLog.describe(new IllegalStateException("first\nsecond\tthird " + "x".repeat(500),
                new java.io.IOException("root")));
        assertThat(described).doesNotContain("\n", "\t").hasSizeLessThanOrEqualTo(301).startsWith(
                "java.lang.IllegalStateException: first second third");
    }
}
