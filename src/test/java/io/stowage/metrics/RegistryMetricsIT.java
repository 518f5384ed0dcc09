package io.stowage.metrics;

import static io.stowage.distribution.RegistryClient.OCI_CONFIG;
import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static io.stowage.distribution.RegistryClient.imageManifest;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.List;

import io.stowage.RegistryTestBase;
import io.stowage.distribution.RegistryClient;
import io.stowage.distribution.RegistryClient.Blob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * After a push and a pull, the registry's own meters on the management port count them: manifests pushed and
 * pulled, blobs uploaded by method and pulled with their bytes, storage operations by backend, requests by route.
 * The counters are this node's since start and other tests share the context, so the test compares before and after.
 */
@ExtendWith(OutputCaptureExtension.class)
class RegistryMetricsIT extends RegistryTestBase {

    private final RegistryClient registry = new RegistryClient(http, this::request);

    @LocalManagementPort
    private int managementPort;

    @Test
    void aPushAndAPullAreCounted() throws Exception {
        String repository = uniqueRepository("metrics-push");
        Scrape before = Scrape.of(http, managementPort);

        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        byte[] chunked = RegistryClient.randomBytes(3000);
        String location = registry.startUpload(repository);
        HttpResponse<String> completed = registry.send(registry.requestLocation(
                RegistryClient.withQuery(location, "digest=" + RegistryClient.sha256(chunked)))
                .PUT(BodyPublishers.ofByteArray(chunked)).build());
        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(201);
        Blob layer = new Blob(chunked, RegistryClient.sha256(chunked), RegistryClient.OCI_LAYER);
        registry.pushManifest(repository, "v1", OCI_MANIFEST, imageManifest(OCI_MANIFEST, config, List.of(layer)));
        assertThat(registry.get("/v2/" + repository + "/manifests/v1").statusCode()).isEqualTo(200);
        assertThat(registry.getBytes("/v2/" + repository + "/blobs/" + layer.digest()).body()).isEqualTo(chunked);
        Scrape after = Scrape.of(http, managementPort);

        assertThat(delta(before, after, "stowage_manifests_pushed_total")).isEqualTo(1);
        assertThat(delta(before, after, "stowage_manifests_pulled_total")).isEqualTo(1);
        assertThat(delta(before, after, "stowage_blobs_uploaded_total", "method=\"monolithic\"")).isEqualTo(1);
        assertThat(delta(before, after, "stowage_blobs_uploaded_total", "method=\"chunked\"")).isEqualTo(1);
        assertThat(delta(before, after, "stowage_blobs_uploaded_size_bytes_total"))
                .isEqualTo(config.size() + chunked.length);
        assertThat(delta(before, after, "stowage_blobs_pulled_total")).isEqualTo(1);
        assertThat(delta(before, after, "stowage_blobs_pulled_size_bytes_total")).isEqualTo(chunked.length);
        assertThat(delta(before, after, "stowage_uploads_duration_seconds_count")).isEqualTo(1);
        assertThat(delta(before, after, "stowage_storage_operation_seconds_count", "backend=\"filesystem\"",
                "operation=\"commit_upload\"", "outcome=\"success\"")).isEqualTo(2);
        assertThat(delta(before, after, "http_server_requests_seconds_count", "method=\"PUT\"", "status=\"201\"",
                "uri=\"/v2/{name}/manifests/{reference}\"")).isEqualTo(1);
        assertThat(after.required("http_server_requests_seconds_bucket", "uri=\"/v2/{name}/blobs/{digest}\""))
                .as("latency histograms").isPositive();
        assertThat(after.required("tomcat_global_received_bytes_total")).isPositive();
        assertThat(after.required("jdbc_connections_active")).isNotNegative();
        // Spring Security's filters and authorizations are not observed: a timer per filter per request cost a third
        // of a manifest GET, and the registry's own meters count what matters.
        assertThat(after.text()).doesNotContainPattern("(?m)^spring_security_");
    }

    @Test
    void everyResponseCarriesARequestIdThatTheAccessLogShows(CapturedOutput output) throws Exception {
        HttpResponse<String> fresh = send(request("/v2/").build());
        String id = fresh.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).matches("[0-9a-f]{32}");
        HttpResponse<String> given = send(request("/v2/nothing/here/manifests/v1")
                .header("X-Request-Id", "ci-job-42.step-3").build());
        assertThat(given.statusCode()).isEqualTo(404);
        assertThat(given.headers().firstValue("X-Request-Id")).hasValue("ci-job-42.step-3");
        HttpResponse<String> forged = send(request("/v2/").header("X-Request-Id", "x\" injected=1 ".repeat(3)).build());
        assertThat(forged.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f]{32}");

        assertThat(output.getOut()).containsPattern("\\[" + id + "] .*io\\.stowage\\.access.* GET /v2/ 200 ")
                .containsPattern("\\[ci-job-42\\.step-3] .*GET /v2/nothing/here/manifests/v1 404 ");
    }

    @Test
    void livenessAndReadinessAnswerOnTheManagementPort() throws Exception {
        for (String probe : List.of("liveness", "readiness")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                    "http://localhost:" + managementPort + "/actuator/health/" + probe)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(probe).isEqualTo(200);
            assertThat(response.body()).contains("\"UP\"");
        }
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.required(name, labels) - before.value(name, labels);
    }
}
