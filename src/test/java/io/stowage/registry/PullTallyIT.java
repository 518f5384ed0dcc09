package io.stowage.registry;

import static io.stowage.distribution.RegistryClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.RegistryTestBase;
import io.stowage.distribution.RegistryClient;
import io.stowage.distribution.RegistryClient.Manifest;
import io.stowage.metadata.PullRecords;
import io.stowage.outage.OutageLog;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Pull counts: manifest GETs are tallied in memory and written only by a flush (called here directly, not waited
 * for), per manifest and per repository, and shown by the admin API. The scheduled flush of the shared context may
 * run at any time, so tests flush before they start counting and compare differences where that matters.
 */
class PullTallyIT extends RegistryTestBase {

    private final RegistryClient registry = new RegistryClient(http, this::request);

    @Autowired
    private PullTally tally;
    @Autowired
    private PullRecords records;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private MeterRegistry meters;

    @Test
    void manifestGetsAreCountedPerManifestAndRepositoryAfterAFlush() {
        String name = uniqueRepository("pulls");
        Manifest v1 = registry.pushImage(name, "v1");
        Manifest v2 = registry.pushImage(name, "v2");
        Instant before = Instant.now().minusSeconds(1);

        pull(name, "v1");
        pull(name, "v1");
        pull(name, v1.digest());
        pull(name, "v2");
        tally.flush();

        assertThat(manifestPulls(name, v1.digest())).isEqualTo(3);
        assertThat(manifestPulls(name, v2.digest())).isEqualTo(1);
        JsonNode repository = admin("/api/v1/repositories/" + name);
        assertThat(repository.get("pulls").asLong()).isEqualTo(4);
        assertThat(Instant.parse(repository.get("lastPulledAt").asString())).isAfter(before);
        JsonNode tags = admin("/api/v1/repositories/" + name + "/-/tags").get("tags");
        assertThat(tags.get(0).get("name").asString()).isEqualTo("v1");
        assertThat(tags.get(0).get("pulls").asLong()).isEqualTo(3);
        assertThat(Instant.parse(tags.get(0).get("lastPulledAt").asString())).isAfter(before);
        assertThat(tags.get(1).get("pulls").asLong()).isEqualTo(1);
    }

    @Test
    void headAndNotModifiedAreNoPulls() {
        String name = uniqueRepository("pulls-head");
        Manifest manifest = registry.pushImage(name, "v1");

        assertThat(registry.head("/v2/" + name + "/manifests/v1", "Accept", manifest.mediaType()).statusCode())
                .isEqualTo(200);
        HttpResponse<byte[]> notModified = registry.getBytes("/v2/" + name + "/manifests/v1",
                "Accept", manifest.mediaType(), "If-None-Match", "\"" + manifest.digest() + "\"");
        assertThat(notModified.statusCode()).isEqualTo(304);
        tally.flush();

        assertThat(manifestPulls(name, manifest.digest())).isZero();
        JsonNode repository = admin("/api/v1/repositories/" + name);
        assertThat(repository.get("pulls").asLong()).isZero();
        assertThat(repository.get("lastPulledAt").isNull()).isTrue();
        JsonNode tag = admin("/api/v1/repositories/" + name + "/-/tags").get("tags").get(0);
        assertThat(tag.get("pulls").asLong()).isZero();
        assertThat(tag.get("lastPulledAt").isNull()).isTrue();
    }

    @Test
    void thePullPathWritesNothingUntilTheFlush() {
        String name = uniqueRepository("pulls-deferred");
        Manifest manifest = registry.pushImage(name, "v1");
        // With the scheduled flush stopped, only a write on the request thread could change the row.
        tally.stop();
        try {
            for (int i = 0; i < 3; i++) {
                pull(name, "v1");
            }
            assertThat(manifestPulls(name, manifest.digest())).as("before the flush").isZero();
            assertThat(tally.pendingManifests()).isGreaterThanOrEqualTo(1);
            assertThat(meters.get("stowage.pulls.pending").gauge().value()).isGreaterThanOrEqualTo(1);

            tally.flush();

            assertThat(manifestPulls(name, manifest.digest())).isEqualTo(3);
        } finally {
            tally.start();
        }
    }

    @Test
    void twoNodesFlushesAddUp() throws Exception {
        String name = uniqueRepository("pulls-nodes");
        Manifest manifest = registry.pushImage(name, "v1");
        long id = manifestId(name, manifest.digest());
        PullTally first = new PullTally(records, new SimpleMeterRegistry(), new OutageLog(Clock.systemUTC()));
        PullTally second = new PullTally(records, new SimpleMeterRegistry(), new OutageLog(Clock.systemUTC()));

        Thread a = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 1000; i++) {
                first.pulled(id);
                if (i % 100 == 0) {
                    first.flush();
                }
            }
        });
        Thread b = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 700; i++) {
                second.pulled(id);
                if (i % 50 == 0) {
                    second.flush();
                }
            }
        });
        a.join();
        b.join();
        first.flush();
        second.flush();

        assertThat(manifestPulls(name, manifest.digest())).isEqualTo(1700);
        assertThat(jdbc.sql("select pull_count from repositories where name = ?").param(name).query(Long.class)
                .single()).isEqualTo(1700);
    }

    @Test
    void pullsOfAManifestDeletedBeforeTheFlushAreDropped() {
        String name = uniqueRepository("pulls-deleted");
        Manifest kept = registry.pushImage(name, "kept");
        Manifest gone = registry.pushImage(name, "gone");
        pull(name, "gone");
        pull(name, "kept");
        assertThat(registry.delete("/v2/" + name + "/manifests/" + gone.digest()).statusCode()).isEqualTo(202);

        tally.flush();

        assertThat(manifestPulls(name, kept.digest())).isEqualTo(1);
        assertThat(admin("/api/v1/repositories/" + name).get("pulls").asLong()).isEqualTo(1);
    }

    private void pull(String name, String reference) {
        HttpResponse<byte[]> response = registry.getBytes("/v2/" + name + "/manifests/" + reference,
                "Accept", RegistryClient.OCI_MANIFEST);
        assertThat(response.statusCode()).isEqualTo(200);
    }

    private long manifestId(String name, String digest) {
        return jdbc.sql("""
                select m.id from manifests m join repositories r on r.id = m.repository_id
                where r.name = ? and m.digest = ?""").param(name).param(digest).query(Long.class).single();
    }

    private long manifestPulls(String name, String digest) {
        return jdbc.sql("""
                select m.pull_count from manifests m join repositories r on r.id = m.repository_id
                where r.name = ? and m.digest = ?""").param(name).param(digest).query(Long.class).single();
    }

    private JsonNode admin(String path) {
        HttpResponse<String> response = registry.get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }
}
