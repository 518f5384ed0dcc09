package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.OCI_EMPTY;
import static io.stowage.distribution.RegistryClient.OCI_INDEX;
import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static io.stowage.distribution.RegistryClient.assertError;
import static io.stowage.distribution.RegistryClient.json;
import static io.stowage.distribution.RegistryClient.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stowage.RegistryTestBase;
import io.stowage.distribution.RegistryClient.Blob;
import io.stowage.distribution.RegistryClient.Manifest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /v2/<name>/referrers/<digest>} (end-12a/b): the image index of manifests whose subject is a digest. */
class ReferrersApiIT extends RegistryTestBase {

    private final RegistryClient registry = new RegistryClient(http, this::request);

    private static String referrers(String repository, String digest) {
        return "/v2/" + repository + "/referrers/" + digest;
    }

    /** Pushes a manifest with {@code subject} and returns it. */
    private Manifest pushReferrer(String repository, Manifest subject, String artifactType, String configType,
                                  Map<String, String> annotations) {
        Blob config = registry.pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8), configType);
        Blob layer = registry.pushRandomBlob(repository, 20);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", 2);
        body.put("mediaType", OCI_MANIFEST);
        if (artifactType != null) {
            body.put("artifactType", artifactType);
        }
        body.put("config", config.descriptor());
        body.put("layers", List.of(layer.descriptor()));
        body.put("subject", subject.descriptor());
        if (annotations != null) {
            body.put("annotations", annotations);
        }
        byte[] bytes = toJson(body);
        HttpResponse<String> put = registry.putManifest(repository, RegistryClient.sha256(bytes), OCI_MANIFEST, bytes);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("OCI-Subject")).hasValue(subject.digest());
        return new Manifest(bytes, RegistryClient.sha256(bytes), OCI_MANIFEST);
    }

    private static JsonNode assertIndex(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(OCI_INDEX);
        JsonNode index = json(response.body());
        assertThat(index.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.get("mediaType").asString()).isEqualTo(OCI_INDEX);
        assertThat(index.get("manifests").isArray()).isTrue();
        return index;
    }

    private static Map<String, JsonNode> byDigest(JsonNode index) {
        Map<String, JsonNode> result = new HashMap<>();
        index.get("manifests").forEach(descriptor -> result.put(descriptor.get("digest").asString(), descriptor));
        return result;
    }

    @Test
    void moreReferrersThanOnePageArePaginatedWithLink() {
        String repository = uniqueRepository("referrers-pages");
        Manifest image = registry.pushImage(repository, "v1");
        Blob config = registry.pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8), OCI_EMPTY);
        int total = io.stowage.registry.ReferrerService.PAGE_SIZE + 5;
        java.util.Set<String> pushed = new java.util.HashSet<>();
        for (int i = 0; i < total; i++) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("schemaVersion", 2);
            body.put("mediaType", OCI_MANIFEST);
            body.put("artifactType", "application/vnd.example.page");
            body.put("config", config.descriptor());
            body.put("layers", List.of());
            body.put("subject", image.descriptor());
            body.put("annotations", Map.of("n", Integer.toString(i)));
            byte[] bytes = toJson(body);
            HttpResponse<String> put = registry.putManifest(repository, RegistryClient.sha256(bytes), OCI_MANIFEST, bytes);
            assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
            pushed.add(RegistryClient.sha256(bytes));
        }

        HttpResponse<String> first = registry.get(referrers(repository, image.digest()) + "?artifactType="
                + URLEncoder.encode("application/vnd.example.page", StandardCharsets.UTF_8));
        JsonNode firstPage = assertIndex(first);
        assertThat(firstPage.get("manifests").size()).isEqualTo(io.stowage.registry.ReferrerService.PAGE_SIZE);
        String link = first.headers().firstValue("Link").orElseThrow();
        assertThat(link).endsWith(">; rel=\"next\"").contains("artifactType=");
        HttpResponse<String> second = registry.get(link.substring(1, link.indexOf('>')));
        JsonNode secondPage = assertIndex(second);
        assertThat(second.headers().firstValue("Link")).isEmpty();
        assertThat(second.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");

        java.util.Set<String> listed = new java.util.HashSet<>(byDigest(firstPage).keySet());
        listed.addAll(byDigest(secondPage).keySet());
        assertThat(secondPage.get("manifests").size()).isEqualTo(5);
        assertThat(listed).isEqualTo(pushed);
    }

    @Test
    void noReferrersIsAnEmptyIndexNever404() {
        String repository = uniqueRepository("referrers-none");
        Manifest image = registry.pushImage(repository, "v1");

        JsonNode index = assertIndex(registry.get(referrers(repository, image.digest())));
        assertThat(index.get("manifests").size()).isZero();

        // A subject that does not exist, in a repository that does or does not.
        assertThat(assertIndex(registry.get(referrers(repository, RegistryClient.unknownDigest())))
                .get("manifests").size()).isZero();
        assertThat(assertIndex(registry.get(referrers(uniqueRepository("referrers-norepo"),
                RegistryClient.unknownDigest()))).get("manifests").size()).isZero();
    }

    @Test
    void referrersAreListedWithArtifactTypeAndAnnotations() {
        String repository = uniqueRepository("referrers-list");
        Manifest image = registry.pushImage(repository, "v1");
        Map<String, String> annotations = Map.of("org.opencontainers.image.created", "2024-01-01T00:00:00Z",
                "org.example.sbom.format", "json");
        Manifest sbom = pushReferrer(repository, image, "application/vnd.example.sbom.v1", OCI_EMPTY, annotations);
        // No artifactType: the config's media type stands in for it.
        Manifest signature = pushReferrer(repository, image, null, "application/vnd.example.signature.config.v1+json",
                null);
        registry.pushImage(repository, "unrelated");

        JsonNode index = assertIndex(registry.get(referrers(repository, image.digest())));

        Map<String, JsonNode> found = byDigest(index);
        assertThat(found).containsOnlyKeys(sbom.digest(), signature.digest());
        JsonNode sbomDescriptor = found.get(sbom.digest());
        assertThat(sbomDescriptor.get("mediaType").asString()).isEqualTo(OCI_MANIFEST);
        assertThat(sbomDescriptor.get("size").asLong()).isEqualTo(sbom.bytes().length);
        assertThat(sbomDescriptor.get("artifactType").asString()).isEqualTo("application/vnd.example.sbom.v1");
        assertThat(sbomDescriptor.get("annotations").size()).isEqualTo(2);
        annotations.forEach((key, value) ->
                assertThat(sbomDescriptor.get("annotations").get(key).asString()).isEqualTo(value));
        JsonNode signatureDescriptor = found.get(signature.digest());
        assertThat(signatureDescriptor.get("artifactType").asString())
                .isEqualTo("application/vnd.example.signature.config.v1+json");
        assertThat(signatureDescriptor.get("size").asLong()).isEqualTo(signature.bytes().length);
        assertThat(signatureDescriptor.has("annotations")).isFalse();
        assertThat(index.get("manifests").get(0).get("digest").asString())
                .isLessThan(index.get("manifests").get(1).get("digest").asString());
    }

    @Test
    void referrerMayBePushedBeforeItsSubject() {
        String repository = uniqueRepository("referrers-early");
        Manifest subject = new Manifest(RegistryClient.randomBytes(10), RegistryClient.unknownDigest(), OCI_MANIFEST);
        Manifest referrer = pushReferrer(repository, subject, "application/vnd.example.early", OCI_EMPTY, null);

        JsonNode index = assertIndex(registry.get(referrers(repository, subject.digest())));

        assertThat(byDigest(index)).containsOnlyKeys(referrer.digest());
    }

    @Test
    void indexReferrerWithoutArtifactTypeOmitsIt() {
        String repository = uniqueRepository("referrers-index");
        Manifest image = registry.pushImage(repository, "v1");
        Manifest child = registry.pushImage(repository, "child");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", 2);
        body.put("mediaType", OCI_INDEX);
        body.put("manifests", List.of(child.descriptor()));
        body.put("subject", image.descriptor());
        body.put("annotations", Map.of("k", "v"));
        Manifest index = registry.pushManifest(repository, RegistryClient.sha256(toJson(body)), OCI_INDEX, toJson(body));

        JsonNode listed = assertIndex(registry.get(referrers(repository, image.digest())));

        JsonNode descriptor = byDigest(listed).get(index.digest());
        assertThat(descriptor).isNotNull();
        assertThat(descriptor.get("mediaType").asString()).isEqualTo(OCI_INDEX);
        assertThat(descriptor.has("artifactType")).isFalse();
        assertThat(descriptor.get("annotations").get("k").asString()).isEqualTo("v");
    }

    @Test
    void artifactTypeFilterIsAppliedAndAnnounced() {
        String repository = uniqueRepository("referrers-filter");
        Manifest image = registry.pushImage(repository, "v1");
        Manifest sbom = pushReferrer(repository, image, "application/vnd.example.sbom.v1", OCI_EMPTY, null);
        pushReferrer(repository, image, "application/vnd.example.signature.v1", OCI_EMPTY, null);

        HttpResponse<String> filtered = registry.get(referrers(repository, image.digest()) + "?artifactType="
                + URLEncoder.encode("application/vnd.example.sbom.v1", StandardCharsets.UTF_8));

        assertThat(byDigest(assertIndex(filtered))).containsOnlyKeys(sbom.digest());
        assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");

        HttpResponse<String> none = registry.get(referrers(repository, image.digest()) + "?artifactType=application/x-none");
        assertThat(assertIndex(none).get("manifests").size()).isZero();
        assertThat(none.headers().firstValue("OCI-Filters-Applied")).hasValue("artifactType");

        HttpResponse<String> unfiltered = registry.get(referrers(repository, image.digest()));
        assertThat(assertIndex(unfiltered).get("manifests").size()).isEqualTo(2);
        assertThat(unfiltered.headers().firstValue("OCI-Filters-Applied")).isEmpty();
    }

    @Test
    void referrersAreScopedToTheRepository() {
        String repository = uniqueRepository("referrers-scope");
        String other = uniqueRepository("referrers-other");
        Manifest image = registry.pushImage(repository, "v1");
        Manifest elsewhere = pushReferrer(other, image, "application/vnd.example.sbom.v1", OCI_EMPTY, null);

        assertThat(assertIndex(registry.get(referrers(repository, image.digest()))).get("manifests").size()).isZero();
        assertThat(byDigest(assertIndex(registry.get(referrers(other, image.digest())))))
                .containsOnlyKeys(elsewhere.digest());
    }

    @Test
    void deletedReferrerIsNoLongerListed() {
        String repository = uniqueRepository("referrers-delete");
        Manifest image = registry.pushImage(repository, "v1");
        Manifest sbom = pushReferrer(repository, image, "application/vnd.example.sbom.v1", OCI_EMPTY, null);
        assertThat(registry.delete("/v2/" + repository + "/manifests/" + sbom.digest()).statusCode()).isEqualTo(202);

        assertThat(assertIndex(registry.get(referrers(repository, image.digest()))).get("manifests").size()).isZero();
    }

    @Test
    void invalidDigestIs400() {
        String repository = uniqueRepository("referrers-bad");
        registry.pushImage(repository, "v1");

        assertError(registry.get(referrers(repository, "sha256:totallywrong")), 400, "DIGEST_INVALID");
        assertError(registry.get(referrers(repository, "latest")), 400, "DIGEST_INVALID");
    }
}
