package io.stowage.gc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.stowage.admin.AdminApiTestBase;
import io.stowage.auth.TokenAuth;
import io.stowage.config.StowageProperties.UntaggedPolicy;
import io.stowage.metadata.GcRunRecords;
import io.stowage.metadata.GcRunRecords.GcRun;
import io.stowage.metadata.RepositoryRecords;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Recorded garbage collection passes ({@code gc_runs}, {@code GET /api/v1/gc/runs}): what is recorded, what is not,
 * how the table stays bounded, and who may read it. The scheduled collector is off in the tests' shared context, so
 * the passes here are run directly (recorded as the collector's own) or through {@code POST /api/v1/gc}.
 */
@TokenAuth
class GcRunsIT extends AdminApiTestBase {

    private static final String PASSWORD = "gc-runs-password-1";

    private final Random random = new Random();

    @Autowired
    private GarbageCollector collector;

    @Autowired
    private RepositoryRecords repositories;

    @Autowired
    private GcRunRecords runs;

    @Autowired
    private JdbcClient jdbc;

    @Test
    void aPassThatDeletesSomethingIsRecordedWithWhatItDeletedAndFreed() throws Exception {
        String repository = "gcruns/" + unique("r");
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":\"" + random.nextLong() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = randomBytes(1500);
        byte[] orphan = randomBytes(700);
        pushBlob(repository, config, ADMIN);
        pushBlob(repository, layer, ADMIN);
        pushManifest(repository, "v1", config, List.of(layer), ADMIN);
        pushBlob(repository, orphan, ADMIN);
        assertThat(call("DELETE", "/v2/" + repository + "/manifests/v1", ADMIN, null).statusCode()).isEqualTo(202);
        Instant before = Instant.now().minusSeconds(1);

        GarbageCollector.Report report = pass(repository);

        assertThat(report.manifests()).hasSize(1);
        assertThat(report.blobs()).hasSize(3);
        HttpResponse<String> response = get("/api/v1/gc/runs?n=1", ADMIN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode listed = JSON.readTree(response.body()).get("runs");
        assertThat(listed).hasSize(1);
        JsonNode run = listed.get(0);
        assertThat(run.get("trigger").asString()).isEqualTo("scheduled");
        assertThat(run.get("dryRun").asBoolean()).isFalse();
        assertThat(run.get("manifests").asInt()).isEqualTo(1);
        assertThat(run.get("links").asInt()).as("config, layer and the orphan").isEqualTo(3);
        assertThat(run.get("blobs").asInt()).isEqualTo(3);
        assertThat(run.get("freedBytes").asLong()).isEqualTo(config.length + 1500 + 700).isEqualTo(report.bytes());
        assertThat(run.get("deleteFailures").asInt()).isZero();
        assertThat(run.get("reviewFailures").asInt()).isZero();
        assertThat(run.get("error").isNull()).isTrue();
        Instant started = Instant.parse(run.get("startedAt").asString());
        assertThat(started).isAfter(before);
        assertThat(Instant.parse(run.get("finishedAt").asString())).isAfterOrEqualTo(started);
    }

    @Test
    void aScheduledPassThatDeletesNothingIsNotRecorded() throws Exception {
        String repository = "gcruns/" + unique("kept");
        pushImage(repository, "v1", ADMIN);
        long newest = newestId();

        GarbageCollector.Report report = pass(repository);

        assertThat(report.deletedAnything()).isFalse();
        assertThat(newestId()).isEqualTo(newest);
    }

    @Test
    void everyAdminPassIsRecordedDryRunsMarked() throws Exception {
        for (boolean dryRun : List.of(true, false)) {
            long newest = newestId();
            HttpResponse<String> response = call("POST", "/api/v1/gc", ADMIN, Map.of("dryRun", dryRun));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode report = JSON.readTree(response.body());

            List<GcRun> recorded = runs.latest(1);
            assertThat(recorded).hasSize(1);
            GcRun run = recorded.getFirst();
            assertThat(run.id()).as("recorded even when nothing was due").isGreaterThan(newest);
            assertThat(run.trigger()).isEqualTo("admin");
            assertThat(run.dryRun()).isEqualTo(dryRun);
            assertThat(run.manifests()).isEqualTo(report.get("manifests").size());
            assertThat(run.links()).isEqualTo(report.get("links").size());
            assertThat(run.blobs()).isEqualTo(report.get("blobs").size());
            assertThat(run.freedBytes()).isEqualTo(report.get("bytes").asLong());
        }
    }

    @Test
    void eachRecordKeepsOnlyTheNewestRuns() {
        String node = unique("prune");
        Instant at = Instant.now();
        for (int i = 0; i < GcRunRecords.KEPT + 5; i++) {
            runs.record(new GcRun(0, at, at, "scheduled", false, node, 0, 0, 1, i, 0, 0, null));
        }

        assertThat(jdbc.sql("select count(*) from gc_runs").query(Long.class).single()).isEqualTo(GcRunRecords.KEPT);
        assertThat(jdbc.sql("select count(*), min(freed_bytes) from gc_runs where node = ?").param(node)
                .query((rs, row) -> List.of(rs.getLong(1), rs.getLong(2))).single())
                .as("the five oldest went").containsExactly((long) GcRunRecords.KEPT, 5L);
    }

    @Test
    void onlyAdministratorsListRunsAndNIsChecked() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertThat(call("POST", "/api/v1/gc", ADMIN, Map.of("dryRun", true)).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> two = get("/api/v1/gc/runs?n=2", ADMIN);
        assertThat(two.statusCode()).as(two.body()).isEqualTo(200);
        JsonNode listed = JSON.readTree(two.body()).get("runs");
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("id").asLong()).as("newest first").isGreaterThan(listed.get(1).get("id").asLong());
        HttpResponse<String> byDefault = get("/api/v1/gc/runs", ADMIN);
        assertThat(byDefault.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(byDefault.body()).get("runs").size()).isBetween(2, 100);

        for (String n : List.of("0", "1001", "-1", "ten", "1.5")) {
            assertError(get("/api/v1/gc/runs?n=" + n, ADMIN), 400, "invalid_request");
        }
        String user = newUser(PASSWORD, false);
        assertError(get("/api/v1/gc/runs", basic(user, PASSWORD)), 403, "forbidden");
        assertError(get("/api/v1/gc/runs", null), 401, "unauthorized");
    }

    private GarbageCollector.Report pass(String repository) {
        return collector.pass(new GarbageCollector.Options(false, true,
                Set.of(repositories.findId(repository).orElseThrow()), UntaggedPolicy.KEEP));
    }

    private long newestId() {
        return jdbc.sql("select coalesce(max(id), 0) from gc_runs").query(Long.class).single();
    }

    private byte[] randomBytes(int size) {
        byte[] content = new byte[size];
        random.nextBytes(content);
        return content;
    }
}
