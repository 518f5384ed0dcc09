package io.stowage.metrics;

import static io.stowage.distribution.RegistryClient.OCI_CONFIG;
import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static io.stowage.distribution.RegistryClient.imageManifest;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.config.StowageProperties.UntaggedPolicy;
import io.stowage.distribution.RegistryClient;
import io.stowage.distribution.RegistryClient.Blob;
import io.stowage.gc.GarbageCollector;
import io.stowage.metadata.RepositoryRecords;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * The storage and garbage collection figures on the management port's Prometheus endpoint, checked against what was
 * pushed, what storage holds, and what a collection pass reported.
 */
class StorageMetricsIT extends RegistryTestBase {

    private final RegistryClient registry = new RegistryClient(http, this::request);

    @LocalManagementPort
    private int managementPort;

    @Autowired
    private StorageMetrics storageMetrics;

    @Autowired
    private GarbageCollector collector;

    @Autowired
    private RepositoryRecords repositories;

    @Test
    void namespaceFiguresCountEachBlobOnceAndTotalsMatchStorage() throws Exception {
        String namespace = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        Blob shared = registry.pushRandomBlob(namespace + "/one", 3000);
        Blob config = registry.pushConfig(namespace + "/one", OCI_CONFIG);
        registry.pushManifest(namespace + "/one", "v1", OCI_MANIFEST, imageManifest(OCI_MANIFEST, config, List.of(shared)));
        Blob sharedThere = registry.pushBlob(namespace + "/two", shared.content());
        Blob configThere = registry.pushBlob(namespace + "/two", config.content(), OCI_CONFIG);
        Blob unique = registry.pushRandomBlob(namespace + "/two", 5000);
        registry.pushManifest(namespace + "/two", "v1", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, configThere, List.of(sharedThere, unique)));
        Blob unused = registry.pushRandomBlob(namespace + "/two", 700); // linked, referenced by no manifest

        storageMetrics.refresh();
        Scrape scraped = scrape();

        String tag = "namespace=\"" + namespace + "\"";
        assertThat(scraped.required("stowage_namespace_repositories", tag)).isEqualTo(2);
        assertThat(scraped.required("stowage_namespace_referenced_bytes", tag))
                .isEqualTo(shared.size() + config.size() + unique.size());
        assertThat(scraped.required("stowage_namespace_stored_bytes", tag))
                .isEqualTo(shared.size() + config.size() + unique.size() + unused.size());
        long inStorage = storedObjects().objects().values().stream().mapToLong(Long::longValue).sum();
        assertThat(scraped.required("stowage_storage_stored_bytes")).as("the bytes storage holds")
                .isEqualTo(inStorage);
        assertThat(scraped.required("stowage_storage_blobs")).isEqualTo(storedObjects().objects().size());
        assertThat(scraped.required("stowage_storage_manifests")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void collectionCountersAddWhatAPassDeleted() throws Exception {
        String repository = uniqueRepository("metrics-gc");
        Blob layer = registry.pushRandomBlob(repository, 4000);
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        registry.pushManifest(repository, "v1", OCI_MANIFEST, imageManifest(OCI_MANIFEST, config, List.of(layer)));
        assertThat(registry.delete("/v2/" + repository + "/manifests/v1").statusCode()).isEqualTo(202);
        Scrape before = scrape();

        GarbageCollector.Report report = collector.pass(new GarbageCollector.Options(false, true,
                Set.of(repositories.findId(repository).orElseThrow()), UntaggedPolicy.KEEP));

        assertThat(report.blobs()).hasSize(2);
        Scrape after = scrape();
        assertThat(after.required("stowage_gc_deleted_blobs_total") - before.required("stowage_gc_deleted_blobs_total"))
                .isEqualTo(2);
        assertThat(after.required("stowage_gc_deleted_manifests_total")
                - before.required("stowage_gc_deleted_manifests_total")).isEqualTo(1);
        assertThat(after.required("stowage_gc_freed_bytes_total") - before.required("stowage_gc_freed_bytes_total"))
                .isEqualTo(layer.size() + config.size());
        assertThat(after.required("stowage_gc_pass_seconds_count")).isGreaterThan(0);
    }

    @Test
    void theRegistryPortDoesNotServeTheManagementEndpoints() throws Exception {
        HttpResponse<String> response = send(request("/actuator/prometheus").build());
        assertThat(response.statusCode()).isEqualTo(404);
    }

    private Scrape scrape() throws Exception {
        return Scrape.of(http, managementPort);
    }
}
