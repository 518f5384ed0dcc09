package io.stowage.gc;

import static io.stowage.distribution.RegistryClient.OCI_INDEX;
import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stowage.FilesystemStoredObjects;
import io.stowage.TestDatabase;
import io.stowage.config.StowageProperties.UntaggedPolicy;
import io.stowage.config.StowageProperties;
import io.stowage.distribution.RegistryClient;
import io.stowage.metadata.GcRecords;
import io.stowage.storage.BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Online GC under load (issue 5): 16 clients push images that share layers, move, delete and push tags again over real
 * HTTP for a minute, while the scheduled collector runs every few milliseconds with a review delay of 0 and a second
 * collector, as a second node would, runs passes of its own. Afterwards every tag serves a manifest some client had
 * acknowledged under it, whole, with every blob matching its digest; and nothing unreferenced is left in the
 * database or in storage.
 *
 * <p>The collector runs on everything here, so this test has a database and a data directory of its own: the other
 * tests' context leaves unreferenced content behind on purpose, which must not be collected under them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "stowage.auth.mode=none",
        "stowage.gc.enabled=true",
        "stowage.gc.review-delay=0s",
        "stowage.gc.interval=25ms",
        "stowage.gc.untagged=collect"})
// The scheduled collector must stop with this test rather than poll its database for the rest of the run.
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class GcStressIT {

    /**
     * The clients run at least this long, then on until the run has done enough that its checks mean something (see
     * {@link #enough}), at most {@link #MAX_RUN}: a slow machine gets a longer run, not a failure, while a registry
     * that cannot take pushes still fails the totals.
     */
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final Duration MAX_RUN = Duration.ofSeconds(240);
    private static final int CLIENTS = 16;
    private static final List<String> REPOSITORIES = List.of("stress/alpha", "stress/beta", "stress/gamma",
            "stress/delta");
    private static final List<String> TAGS = List.of("latest", "stable", "v1", "v2", "v3", "edge");
    private static final int SHARED_LAYERS = 24;
    private static final Pattern STOWAGE_WARNING = Pattern.compile(" (WARN|ERROR) .* (io|i)\\.(stowage|s)\\.\\S+ +: ");
    private static final Pattern SCHEDULED_REPORT = Pattern.compile(
            "Garbage collection: (\\d+) manifests, (\\d+) blob links, (\\d+) blobs");
    private static final String DATABASE = "stowage_gc_stress_" + Long.toHexString(System.nanoTime());
    private static final Path DATA_DIR;
    private static String databaseUrl;

    static {
        try {
            DATA_DIR = Files.createTempDirectory("stowage-gc-stress");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @LocalServerPort
    private int port;

    @Autowired
    private GarbageCollector collector;

    @Autowired
    private GcRecords gcRecords;

    @Autowired
    private GcRunLog runLog;

    @Autowired
    private BlobStore store;

    @Autowired
    private StowageProperties properties;

    @Autowired
    private PlatformTransactionManager transactions;

    @Autowired
    private JdbcClient jdbc;

    private final StressLedger ledger = new StressLedger();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final RegistryClient registry = new RegistryClient(http, path ->
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofMinutes(1)));

    @DynamicPropertySource
    static void registryProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", GcStressIT::createDatabase);
        registry.add("spring.datasource.username", TestDatabase::username);
        registry.add("spring.datasource.password", TestDatabase::password);
        registry.add("stowage.data-dir", DATA_DIR::toString);
    }

    @Test
    void everyAcknowledgedTagReadsBackWholeAndNothingUnreferencedRemains(CapturedOutput output) throws Exception {
        // What the context logged while starting is not this test's business.
        int logStart = output.getAll().length();
        SplittableRandom seeds = new SplittableRandom();
        List<StressBlob> shared = new ArrayList<>();
        for (int i = 0; i < SHARED_LAYERS; i++) {
            shared.add(StressBlob.layer(seeds.nextLong(), (4 << 10) + seeds.nextInt(196 << 10)));
        }

        // A second node's collector: the same queues, the same rows, contending with the scheduled one.
        GarbageCollector secondNode = new GarbageCollector(gcRecords, store, properties, transactions,
                new GcMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), runLog);
        AtomicBoolean stop = new AtomicBoolean();
        CollectedCounts secondNodeCollected = new CollectedCounts();
        Thread secondCollector = Thread.ofPlatform().name("second-node-gc").daemon().start(() -> {
            SplittableRandom pause = new SplittableRandom();
            while (!stop.get()) {
                try {
                    secondNodeCollected.add(secondNode.pass(
                            new GarbageCollector.Options(false, false, null, UntaggedPolicy.COLLECT)));
                } catch (RuntimeException e) {
                    ledger.fail("second collector: " + e);
                }
                // Its polling interval, varied so that the two collectors meet at every point of a pass.
                sleep(pause.nextInt(5, 25));
            }
        });

        long started = System.nanoTime();
        BooleanSupplier keepRunning = () -> {
            long elapsed = System.nanoTime() - started;
            return elapsed < RUN.toNanos() || (elapsed < MAX_RUN.toNanos() && !enough(ledger));
        };
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        int dueAtEnd;
        long settled;
        Duration ran;
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                running.add(clients.submit(new StressClient(i, registry, ledger, shared, REPOSITORIES, TAGS,
                        keepRunning, seeds.nextLong())));
            }
            for (Future<?> client : running) {
                client.get(MAX_RUN.toSeconds() + 120, TimeUnit.SECONDS);
            }
            // Both collectors work off what the clients left queued; then a last pass finds nothing due.
            ran = Duration.ofNanos(System.nanoTime() - started);
            dueAtEnd = dueReviews().size();
            long settleStart = System.nanoTime();
            while (!dueReviews().isEmpty() && System.nanoTime() - settleStart < TimeUnit.SECONDS.toNanos(60)) {
                sleep(100);
            }
            settled = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - settleStart);
        } finally {
            clients.shutdownNow();
            stop.set(true);
        }
        secondCollector.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(secondCollector.isAlive()).as("second collector stopped").isFalse();
        List<String> stillDue = dueReviews();
        GarbageCollector.Report last = collector.pass(
                new GarbageCollector.Options(false, false, null, UntaggedPolicy.COLLECT));

        // The scheduled collector's reports show only in its log.
        CollectedCounts scheduled = new CollectedCounts();
        Matcher report = SCHEDULED_REPORT.matcher(output.getAll().substring(logStart));
        while (report.find()) {
            scheduled.manifests.add(Long.parseLong(report.group(1)));
            scheduled.links.add(Long.parseLong(report.group(2)));
            scheduled.blobs.add(Long.parseLong(report.group(3)));
        }
        long blobsLeft = jdbc.sql("select count(*) from blobs").query(Long.class).single();
        int tagsPresent = jdbc.sql("select count(*) from tags").query(Integer.class).single();
        long collectedBlobs = ledger.distinctUploads() - blobsLeft;
        System.out.printf("""
                        GC stress summary: %d s, %d clients
                          acknowledged pushes %d (tagged %d, indexes %d, signatures %d, pushed again %d); manifest \
                        PUTs retried after MANIFEST_BLOB_UNKNOWN %d, pushes given up after 50 tries %d
                          deletes acknowledged: tags %d, manifests %d (of nothing %d, refused for an index %d)
                          uploads: monolithic %d, chunked %d, mounted %d (mount refused %d), skipped after HEAD %d; \
                        distinct blobs %d
                          pulls %d (blobs %d, already collected %d)
                          collected: distinct blobs gone %d of %d; manifests/links/blobs by the scheduled \
                        collector %d/%d/%d, by the second node %d/%d/%d, by a last pass %d/%d/%d
                          reviews due when the clients stopped %d, settled in %d ms; tags present %d
                        """,
                ran.toSeconds(), CLIENTS, ledger.pushes.sum(), ledger.taggedPushes.sum(), ledger.indexPushes.sum(),
                ledger.signatures.sum(), ledger.rePushes.sum(), ledger.blobRetries.sum(), ledger.starvedPushes.sum(), ledger.tagDeletes.sum(),
                ledger.manifestDeletes.sum(), ledger.deletesOfNothing.sum(), ledger.deletesRefused.sum(),
                ledger.monolithicUploads.sum(), ledger.chunkedUploads.sum(), ledger.mounts.sum(),
                ledger.mountsRefused.sum(), ledger.uploadsSkipped.sum(), ledger.distinctUploads(), ledger.pulls.sum(),
                ledger.pulledBlobs.sum(), ledger.pullsOfCollected.sum(), collectedBlobs, ledger.distinctUploads(),
                scheduled.manifests.sum(), scheduled.links.sum(), scheduled.blobs.sum(),
                secondNodeCollected.manifests.sum(), secondNodeCollected.links.sum(), secondNodeCollected.blobs.sum(),
                last.manifests().size(), last.links().size(), last.blobs().size(), dueAtEnd, settled, tagsPresent);

        assertThat(ledger.failures()).as("responses no registry should give, during the run").isEmpty();
        assertThat(stillDue).as("reviews still due a minute after the clients stopped").isEmpty();
        checkTags();
        checkNothingUnreferenced();

        // The run did what it claims: enough pushes, deletes and collection that the checks above mean something.
        assertThat(enough(ledger)).as("300 tagged pushes, 20 indexes and 50 deletes acknowledged within "
                + MAX_RUN.toSeconds() + " s").isTrue();
        assertThat(ledger.blobRetries.sum()).as("pushes that met the collector").isPositive();
        assertThat(ledger.starvedPushes.sum()).as("pushes the collector outran 50 times in a row")
                .isLessThanOrEqualTo(ledger.pushes.sum() / 50);
        assertThat(collectedBlobs).as("distinct blobs collected").isGreaterThanOrEqualTo(200);
        assertThat(secondNodeCollected.blobs.sum()).as("blobs the second node collected").isPositive();
        assertThat(scheduled.blobs.sum()).as("blobs the scheduled collector collected").isPositive();
        assertThat(tagsPresent).as("tags left to verify").isPositive();

        // Stowage's own warnings and errors (a collector's failed review, a 5xx, a failed object delete), and any
        // deadlock PostgreSQL detected, even one the collector retried.
        assertThat(output.getAll().substring(logStart).lines()
                .filter(line -> STOWAGE_WARNING.matcher(line).find() || line.contains("deadlock detected"))
                .toList()).as("warnings and errors logged").isEmpty();
    }

    // ---------------------------------------------------------------- checks

    /** Every tag present serves a manifest acknowledged under it, whole; every tag absent was deleted by some client. */
    private void checkTags() {
        for (String repository : REPOSITORIES) {
            for (String tag : TAGS) {
                HttpResponse<byte[]> response = registry.getBytes("/v2/" + repository + "/manifests/" + tag,
                        "Accept", OCI_MANIFEST + ", " + OCI_INDEX);
                if (response.statusCode() == 404) {
                    assertThat(ledger.acknowledgedUnder(repository, tag).isEmpty()
                            || ledger.tagRemovalAcknowledged(repository, tag))
                            .as("%s:%s is gone, but no client saw it deleted", repository, tag).isTrue();
                    continue;
                }
                assertThat(response.statusCode()).as("GET %s:%s", repository, tag).isEqualTo(200);
                String digest = response.headers().firstValue("Docker-Content-Digest").orElseThrow();
                assertThat(ledger.acknowledgedUnder(repository, tag)).as("digests acknowledged under %s:%s",
                        repository, tag).contains(digest);
                StressManifest acknowledged = ledger.manifest(digest).orElseThrow();
                assertThat(response.body()).as("%s:%s", repository, tag).isEqualTo(acknowledged.bytes());
                assertThat(RegistryClient.sha256(response.body())).isEqualTo(digest);
                checkComplete(repository, acknowledged);
            }
        }
    }

    /** Every manifest an index lists, and every blob an image references, is served with its digest's bytes. */
    private void checkComplete(String repository, StressManifest manifest) {
        switch (manifest) {
            case StressManifest.Index index -> {
                for (StressManifest.Image child : index.children()) {
                    HttpResponse<byte[]> response = registry.getBytes("/v2/" + repository + "/manifests/"
                            + child.digest());
                    assertThat(response.statusCode()).as("child %s of %s in %s", child.digest(), index.digest(),
                            repository).isEqualTo(200);
                    assertThat(RegistryClient.sha256(response.body())).isEqualTo(child.digest());
                    checkComplete(repository, child);
                }
            }
            case StressManifest.Image image -> {
                for (StressBlob blob : image.blobs()) {
                    HttpResponse<byte[]> response = registry.getBytes("/v2/" + repository + "/blobs/" + blob.digest());
                    assertThat(response.statusCode()).as("blob %s of %s in %s", blob.digest(), image.digest(),
                            repository).isEqualTo(200);
                    assertThat(response.body()).as("blob %s", blob.digest()).hasSize(blob.size());
                    assertThat(RegistryClient.sha256(response.body())).as("blob %s", blob.digest())
                            .isEqualTo(blob.digest());
                }
                if (image.subject() == null) {
                    checkSignatures(repository, image);
                }
            }
        }
    }

    /** The image's signatures (its referrers) are whole too: the collector keeps them while their subject stays. */
    private void checkSignatures(String repository, StressManifest.Image image) {
        HttpResponse<String> response = registry.get("/v2/" + repository + "/referrers/" + image.digest());
        assertThat(response.statusCode()).as("referrers of %s in %s", image.digest(), repository).isEqualTo(200);
        for (var referrer : RegistryClient.json(response.body()).get("manifests")) {
            String digest = referrer.get("digest").asString();
            StressManifest acknowledged = ledger.manifest(digest).orElseThrow(() ->
                    new AssertionError("referrer " + digest + " of " + image.digest() + " was never acknowledged"));
            HttpResponse<byte[]> manifest = registry.getBytes("/v2/" + repository + "/manifests/" + digest);
            assertThat(manifest.statusCode()).as("referrer %s in %s", digest, repository).isEqualTo(200);
            assertThat(manifest.body()).as("referrer %s", digest).isEqualTo(acknowledged.bytes());
            checkComplete(repository, acknowledged);
        }
    }

    /** Nothing the collector should have taken is left, in the database or in storage. */
    private void checkNothingUnreferenced() {
        assertThat(jdbc.sql("""
                select digest from blobs b
                where not exists (select 1 from manifest_layers l where l.digest = b.digest)""")
                .query(String.class).list()).as("blobs no manifest references").isEmpty();
        assertThat(jdbc.sql("""
                select r.name || '@' || rb.digest from repository_blobs rb join repositories r on r.id = rb.repository_id
                where not exists (select 1 from manifest_layers l join manifests m on m.id = l.manifest_id
                                  where m.repository_id = rb.repository_id and l.digest = rb.digest)""")
                .query(String.class).list()).as("blob links no manifest of their repository references").isEmpty();
        assertThat(jdbc.sql("""
                select r.name || '@' || m.digest || ' ' || m.media_type
                       || case when exists (select 1 from manifest_references mr where mr.child_id = m.id)
                               then ' (listed by an untagged index)' else '' end
                from manifests m join repositories r on r.id = m.repository_id
                where not exists (select 1 from tags t where t.manifest_id = m.id)
                  and not exists (select 1 from manifest_references mr join tags t on t.manifest_id = mr.parent_id
                                  where mr.child_id = m.id)
                  and not (m.subject_digest is not null
                           and exists (select 1 from manifests s
                                       where s.repository_id = m.repository_id and s.digest = m.subject_digest))""")
                .query(String.class).list()).as("manifests neither tagged, nor listed by a tagged index, nor referrers")
                .isEmpty();

        Map<String, Long> rows = new HashMap<>();
        jdbc.sql("select storage_key, size from blobs").query(rs -> {
            rows.put(rs.getString(1), rs.getLong(2));
        });
        FilesystemStoredObjects storage = new FilesystemStoredObjects(properties.filesystemRoot());
        assertThat(storage.objects()).as("objects in storage, against the blob rows").isEqualTo(rows);
        assertThat(storage.uploads()).as("upload bytes left in storage").isEmpty();
        assertThat(jdbc.sql("select count(*) from uploads").query(Long.class).single()).as("upload sessions left")
                .isZero();

        assertThat(jdbc.sql("""
                select 'manifest ' || manifest_id from gc_manifest_reviews
                union all select 'link ' || repository_id || '@' || digest from gc_link_reviews
                union all select 'blob ' || digest from gc_blob_reviews
                union all select 'object ' || storage_key from gc_object_deletions""")
                .query(String.class).list()).as("reviews and object deletions still queued").isEmpty();
    }

    /** Reviews and object deletions that are due. */
    /** Whether the clients did enough pushes, indexes and deletes for the checks to mean something. */
    private static boolean enough(StressLedger ledger) {
        return ledger.taggedPushes.sum() >= 300 && ledger.indexPushes.sum() >= 20
                && ledger.tagDeletes.sum() + ledger.manifestDeletes.sum() >= 50;
    }

    private List<String> dueReviews() {
        return jdbc.sql("""
                select 'manifest ' || manifest_id from gc_manifest_reviews where review_after <= now()
                union all select 'link ' || repository_id || '@' || digest from gc_link_reviews where review_after <= now()
                union all select 'blob ' || digest from gc_blob_reviews where review_after <= now()
                union all select 'object ' || storage_key from gc_object_deletions where next_attempt_at <= now()""")
                .query(String.class).list();
    }

    // ---------------------------------------------------------------- set-up

    /** A database of its own on the test PostgreSQL server, created before the context starts. */
    private static synchronized String createDatabase() {
        if (databaseUrl != null) {
            return databaseUrl;
        }
        String server = TestDatabase.jdbcUrl();
        try (Connection connection = DriverManager.getConnection(server, TestDatabase.username(),
                TestDatabase.password()); Statement statement = connection.createStatement()) {
            statement.execute("create database " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the stress test's database on " + server, e);
        }
        Matcher url = Pattern.compile("^(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?$").matcher(server);
        if (!url.matches()) {
            throw new IllegalStateException("not a PostgreSQL JDBC URL: " + server);
        }
        databaseUrl = url.group(1) + DATABASE + (url.group(3) == null ? "" : url.group(3));
        // An external server outlives the run: leave no database behind there.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection connection = DriverManager.getConnection(server, TestDatabase.username(),
                    TestDatabase.password()); Statement statement = connection.createStatement()) {
                statement.execute("drop database if exists " + DATABASE + " with (force)");
            } catch (SQLException ignored) {
                // the embedded server may be stopping too
            }
        }));
        return databaseUrl;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What a collector's passes deleted, summed. */
    private static final class CollectedCounts {
        final LongAdder manifests = new LongAdder();
        final LongAdder links = new LongAdder();
        final LongAdder blobs = new LongAdder();

        void add(GarbageCollector.Report report) {
            manifests.add(report.manifests().size());
            links.add(report.links().size());
            blobs.add(report.blobs().size());
        }
    }
}
