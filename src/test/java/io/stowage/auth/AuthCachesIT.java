package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.RegistryTestBase;
import io.stowage.accounts.Identity;
import io.stowage.config.StowageProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Acceptance 3: 100 clients keep pulling ({@code GET /v2/}), 50 with a bearer token of their own and 50 with basic
 * credentials, while 50,000 one-off credentials pass through: 25,000 tokens, each of another robot (a token cache
 * and an identity cache entry each), and 25,000 robots' basic credentials (a sign-in cache entry each). Wrong
 * passwords would be no use here: failed sign-ins are not remembered. Robots are made in bulk with SQL, as their
 * secrets are SHA-256 hashes, so one-off sign-ins cost no bcrypt.
 *
 * <p>The run goes in windows of about a second. At each window's end the one-off drivers pause, so the misses of the
 * window ({@code stowage_cache_requests_total}) minus its one-offs (each exactly one miss in each of its caches) are
 * the hot clients' own. None of the caches may make more than {@link #FEW} hot clients miss in a window, nor lose a
 * tenth of its entries at once, and evictions must follow the one-offs, one at a time, as
 * {@code cache_evictions_total} and {@code cache_size} show.
 *
 * <p>The caches hold 1,000 entries here ({@code stowage.auth.cache.*}), so that the one-offs this machine sends in a
 * cache's lifetime (a few hundred a second; identities live 10 s) overflow them many times. The caches before
 * Caffeine had no such setting and held 10,000, but they never dropped an expired entry either: 25,000 one-offs
 * filled them, and at 10,000 they emptied themselves, making every hot client miss at once. This test fails on them.
 */
@TokenAuth
@TestPropertySource(properties = {"server.forward-headers-strategy=native",
        "stowage.auth.cache.tokens=1000", "stowage.auth.cache.sign-ins=1000", "stowage.auth.cache.identities=1000"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthCachesIT extends RegistryTestBase {

    private static final int HOT = 50;
    private static final int ONE_OFFS = 25_000;
    /** As the context sets it. */
    private static final int CACHE_LIMIT = 1_000;
    private static final int FEW = 5;
    private static final int DRIVERS = 3;
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final List<String> CACHES = List.of("tokens", "identities", "sign-ins");

    @Autowired
    private JdbcClient jdbc;

    /**
     * 130,000 access lines would say nothing here. Set for this class only: a logging.level property would hold in
     * the logging system after it, and silence the access log for the other classes sharing the context.
     */
    @BeforeAll
    void quietAccessLog() {
        LoggingSystem.get(getClass().getClassLoader()).setLogLevel("io.stowage.access", LogLevel.WARN);
    }

    @AfterAll
    void restoreAccessLog() {
        LoggingSystem.get(getClass().getClassLoader()).setLogLevel("io.stowage.access", null);
    }
    @Autowired
    private SigningKeys signingKeys;
    @Autowired
    private StowageProperties properties;
    @Autowired
    private MeterRegistry meters;

    private final String run = UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    void robotsInBulk() {
        for (String kind : List.of("hot", "oneoff")) {
            jdbc.sql("""
                    insert into robot_accounts (name, secret_hash, created_by)
                    select ? || g, sha256(convert_to('secret-' || g, 'UTF8')), 'AuthCachesIT'
                    from generate_series(0, ?) g""")
                    .param(kind + "-" + run + "-").param(kind.equals("hot") ? 2 * HOT - 1 : ONE_OFFS - 1).update();
        }
    }

    @AfterAll
    void removeTheRobots() {
        jdbc.sql("delete from robot_accounts where name like ?").param("%-" + run + "-%").update();
    }

    @Test
    void aHotSetKeepsItsEntriesWhileOneOffsPassThrough() throws Exception {
        // Tokens that outlive the run however slow the machine.
        TokenIssuer issuer = new TokenIssuer(signingKeys, properties.auth().issuer(), Duration.ofHours(1),
                Clock.systemUTC());
        List<String> hotAuthorizations = new ArrayList<>();
        for (int i = 0; i < HOT; i++) {
            hotAuthorizations.add(bearer(issuer, "hot-" + run + "-" + i));
            hotAuthorizations.add(basic("robot+hot-" + run + "-" + (HOT + i), "secret-" + (HOT + i)));
        }

        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong hotRequests = new AtomicLong();
        ExecutorService hotClients = Executors.newVirtualThreadPerTaskExecutor();
        CountDownLatch warm = new CountDownLatch(hotAuthorizations.size());
        for (String authorization : hotAuthorizations) {
            hotClients.submit(() -> {
                boolean first = true;
                while (running.get()) {
                    int status = get(authorization);
                    hotRequests.incrementAndGet();
                    if (status != 200) {
                        failures.add("hot client: " + status);
                    }
                    if (first) {
                        warm.countDown();
                        first = false;
                    }
                    Thread.sleep(200);
                }
                return null;
            });
        }
        assertThat(warm.await(2, TimeUnit.MINUTES)).as("every hot client pulled once").isTrue();
        Thread.sleep(2000); // a few more rounds, so the hot entries are the caches' most used

        ExecutorService drivers = Executors.newFixedThreadPool(DRIVERS);
        AtomicInteger next = new AtomicInteger();
        List<Window> windows = new ArrayList<>();
        Map<String, Double> lastMisses = read("miss");
        Map<String, Double> lastHits = read("hit");
        Map<String, Double> lastEvictions = evictions();
        Map<String, Double> lastSizes = sizes();
        long started = System.nanoTime();
        try {
            while (next.get() < 2 * ONE_OFFS) {
                long windowStart = System.nanoTime();
                long deadline = windowStart + WINDOW.toNanos();
                AtomicInteger tokens = new AtomicInteger();
                AtomicInteger basics = new AtomicInteger();
                List<Future<?>> work = new ArrayList<>();
                for (int d = 0; d < DRIVERS; d++) {
                    work.add(drivers.submit(() -> {
                        while (System.nanoTime() < deadline) {
                            int i = next.getAndIncrement();
                            if (i >= 2 * ONE_OFFS) {
                                return null;
                            }
                            // Even: a token of robot i/2; odd: that robot's basic credentials.
                            String name = "oneoff-" + run + "-" + (i / 2);
                            boolean token = i % 2 == 0;
                            int status = get(token ? bearer(issuer, name) : basic("robot+" + name,
                                    "secret-" + (i / 2)));
                            (token ? tokens : basics).incrementAndGet();
                            if (status != 200) {
                                failures.add("one-off " + i + ": " + status);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
                Thread.sleep(50); // Caffeine's upkeep (evictions) runs right after the writes, off the caller's thread
                Map<String, Double> misses = read("miss");
                Map<String, Double> hits = read("hit");
                Map<String, Double> evictions = evictions();
                Map<String, Double> sizes = sizes();
                Map<String, Integer> oneOffs = Map.of("tokens", tokens.get(), "identities", tokens.get(),
                        "sign-ins", basics.get());
                Window window = new Window((System.nanoTime() - windowStart) / 1_000_000, tokens.get(), basics.get(),
                        new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
                for (String cache : CACHES) {
                    window.hotMisses().put(cache,
                            (long) (misses.get(cache) - lastMisses.get(cache)) - oneOffs.get(cache));
                    window.hotHits().put(cache, (long) (hits.get(cache) - lastHits.get(cache)));
                    window.evictions().put(cache, evictions.isEmpty() ? -1
                            : (long) (evictions.get(cache) - lastEvictions.get(cache)));
                    window.sizeChange().put(cache, sizes.isEmpty() ? 0
                            : (long) (sizes.get(cache) - lastSizes.get(cache)));
                }
                windows.add(window);
                System.out.println("window " + windows.size() + ": " + window);
                lastMisses = misses;
                lastHits = hits;
                lastEvictions = evictions;
                lastSizes = sizes;
            }
        } finally {
            running.set(false);
            drivers.shutdownNow();
            hotClients.shutdown();
            hotClients.awaitTermination(1, TimeUnit.MINUTES);
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        System.out.printf("%d one-offs in %d s over %d windows, %d hot requests%n", 2 * ONE_OFFS, seconds,
                windows.size(), hotRequests.get());
        for (String cache : CACHES) {
            long hotMisses = windows.stream().mapToLong(w -> w.hotMisses().get(cache)).sum();
            long hotHits = windows.stream().mapToLong(w -> w.hotHits().get(cache)).sum();
            long worst = windows.stream().mapToLong(w -> w.hotMisses().get(cache)).max().orElse(0);
            long evicted = windows.stream().mapToLong(w -> w.evictions().get(cache)).sum();
            long mostInAWindow = windows.stream().mapToLong(w -> w.evictions().get(cache)).max().orElse(0);
            System.out.printf("%s: hot hits %d, hot misses %d (worst window %d), hit rate %.4f%%, evictions %d"
                            + " (most in one window %d), size at the end %s%n", cache, hotHits, hotMisses, worst,
                    100.0 * hotHits / Math.max(1, hotHits + hotMisses), evicted, mostInAWindow,
                    sizes().get(cache));
        }

        assertThat(failures).as("requests that did not get 200").isEmpty();
        for (String cache : CACHES) {
            assertThat(windows).as("windows in which more than %d hot clients missed the %s cache", FEW, cache)
                    .filteredOn(w -> w.hotMisses().get(cache) > FEW).isEmpty();
        }
        for (String cache : CACHES) {
            long hotHits = windows.stream().mapToLong(w -> w.hotHits().get(cache)).sum();
            long hotMisses = windows.stream().mapToLong(w -> w.hotMisses().get(cache)).sum();
            assertThat((double) hotHits / (hotHits + hotMisses)).as("the hot set's hit rate in %s", cache)
                    .isGreaterThan(0.999);
            // One at a time: as many go as one-offs come once the cache is full, and the size never drops at once.
            long evicted = windows.stream().mapToLong(w -> w.evictions().get(cache)).sum();
            assertThat(evicted).as("evictions from %s", cache)
                    .isGreaterThanOrEqualTo(ONE_OFFS - CACHE_LIMIT - FEW);
            assertThat(windows).as("windows in which %s lost a tenth of its entries", cache)
                    .filteredOn(w -> w.sizeChange().get(cache) < -CACHE_LIMIT / 10).isEmpty();
            assertThat(sizes().get(cache)).isLessThanOrEqualTo(CACHE_LIMIT);
            boolean signIns = cache.equals("sign-ins");
            assertThat(windows).as("windows in which %s evicted more than came in", cache)
                    .filteredOn(w -> w.evictions().get(cache) > (signIns ? w.basics() : w.tokens()) + CACHE_LIMIT / 10)
                    .isEmpty();
        }
    }

    private int get(String authorization) {
        try {
            return http.send(request("/v2/").header("Authorization", authorization).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private Map<String, Double> read(String result) {
        Map<String, Double> counts = new LinkedHashMap<>();
        for (String cache : CACHES) {
            FunctionCounter counter = meters.find("stowage.cache.requests").tags("cache", cache, "result", result)
                    .functionCounter();
            counts.put(cache, counter == null ? 0 : counter.count());
        }
        return counts;
    }

    /** {@code cache.evictions} by cache; empty where the caches have no such meter. */
    private Map<String, Double> evictions() {
        Map<String, Double> counts = new LinkedHashMap<>();
        for (String cache : CACHES) {
            FunctionCounter counter = meters.find("cache.evictions").tag("cache", cache).functionCounter();
            if (counter == null) {
                return Map.of();
            }
            counts.put(cache, counter.count());
        }
        return counts;
    }

    private Map<String, Double> sizes() {
        Map<String, Double> counts = new LinkedHashMap<>();
        for (String cache : CACHES) {
            Gauge gauge = meters.find("cache.size").tag("cache", cache).gauge();
            if (gauge == null) {
                return Map.of();
            }
            counts.put(cache, gauge.value());
        }
        return counts;
    }

    private static String bearer(TokenIssuer issuer, String robot) {
        return "Bearer " + issuer.issue(Identity.robot(robot, List.of()), "stowage", List.of()).token();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** What one window saw: its length, its one-offs, and by cache the hot clients' misses and hits, evictions. */
    private record Window(long millis, int tokens, int basics, Map<String, Long> hotMisses, Map<String, Long> hotHits,
                          Map<String, Long> evictions, Map<String, Long> sizeChange) {
    }
}
