package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.DOCKER_CONFIG;
import static io.stowage.distribution.RegistryClient.DOCKER_LAYER;
import static io.stowage.distribution.RegistryClient.DOCKER_MANIFEST;
import static io.stowage.distribution.RegistryClient.DOCKER_MANIFEST_LIST;
import static io.stowage.distribution.RegistryClient.OCI_CONFIG;
import static io.stowage.distribution.RegistryClient.OCI_EMPTY;
import static io.stowage.distribution.RegistryClient.OCI_INDEX;
import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static io.stowage.distribution.RegistryClient.assertError;
import static io.stowage.distribution.RegistryClient.imageManifest;
import static io.stowage.distribution.RegistryClient.index;
import static io.stowage.distribution.RegistryClient.sha256;
import static io.stowage.distribution.RegistryClient.toJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stowage.RegistryTestBase;
import io.stowage.distribution.RegistryClient.Blob;
import io.stowage.distribution.RegistryClient.Manifest;
import org.junit.jupiter.api.Test;

/** {@code /v2/<name>/manifests/<reference>} (end-3, end-7a/b, end-9): push, pull, validation and deletion. */
class ManifestApiIT extends RegistryTestBase {

    private static final int FOUR_MIB = 4 * 1024 * 1024;

    private final RegistryClient registry = new RegistryClient(http, this::request);

    private static String manifestPath(String repository, String reference) {
        return "/v2/" + repository + "/manifests/" + reference;
    }

    /** Asserts that GET and HEAD of the reference give back exactly the pushed manifest. */
    private void assertServed(String repository, String reference, Manifest manifest) {
        HttpResponse<byte[]> get = registry.getBytes(manifestPath(repository, reference));
        assertThat(get.statusCode()).as("GET %s", reference).isEqualTo(200);
        assertThat(get.body()).isEqualTo(manifest.bytes());
        assertThat(get.headers().firstValue("Content-Type")).hasValue(manifest.mediaType());
        assertThat(get.headers().firstValue("Docker-Content-Digest")).hasValue(manifest.digest());
        assertThat(get.headers().firstValueAsLong("Content-Length")).hasValue(manifest.bytes().length);

        HttpResponse<String> head = registry.head(manifestPath(repository, reference));
        assertThat(head.statusCode()).as("HEAD %s", reference).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Type")).hasValue(manifest.mediaType());
        assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(manifest.digest());
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(manifest.bytes().length);
    }

    private Manifest image(String repository, String mediaType, String configType, String layerType) {
        Blob config = registry.pushConfig(repository, configType);
        Blob layer = registry.pushBlob(repository, RegistryClient.randomBytes(300), layerType);
        byte[] body = imageManifest(mediaType, config, List.of(layer));
        return new Manifest(body, sha256(body), mediaType);
    }

    private Manifest ociImage(String repository) {
        return image(repository, OCI_MANIFEST, OCI_CONFIG, RegistryClient.OCI_LAYER);
    }

    // ---------------------------------------------------------------- push and pull

    @Test
    void ociManifestByTag() {
        String repository = uniqueRepository("manifest-tag");
        Manifest manifest = ociImage(repository);

        HttpResponse<String> put = registry.putManifest(repository, "v1.0", OCI_MANIFEST, manifest.bytes());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("Location")).hasValue(manifestPath(repository, manifest.digest()));
        assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(manifest.digest());
        assertThat(put.headers().firstValue("OCI-Subject")).isEmpty();
        assertServed(repository, "v1.0", manifest);
        assertServed(repository, manifest.digest(), manifest);
    }

    @Test
    void ociManifestByDigestCreatesNoTag() {
        String repository = uniqueRepository("manifest-digest");
        Manifest manifest = ociImage(repository);

        HttpResponse<String> put = registry.putManifest(repository, manifest.digest(), OCI_MANIFEST, manifest.bytes());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("Location")).hasValue(manifestPath(repository, manifest.digest()));
        assertThat(put.headers().firstValue("OCI-Tag")).isEmpty();
        assertServed(repository, manifest.digest(), manifest);
        HttpResponse<String> tags = registry.get("/v2/" + repository + "/tags/list");
        assertThat(tags.statusCode()).isEqualTo(200);
        assertThat(RegistryClient.json(tags.body()).get("tags").size()).isZero();
    }

    @Test
    void bytesAreStoredExactlyAsPushed() {
        // Odd whitespace, key order and escapes: anything but the exact bytes would change the digest.
        String repository = uniqueRepository("manifest-exact");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        String text = "{\n  \"layers\" : [ ],\r\n\t\"config\":{\"size\":" + config.size() + ",\"digest\":\""
                + config.digest() + "\",\"mediaType\":\"" + OCI_CONFIG + "\"},\"schemaVersion\":2,"
                + "\"mediaType\":\"" + OCI_MANIFEST + "\",\"annotations\":{\"x\":\"caf\\u00e9 \u00e9\"}}   \n";
        byte[] body = text.getBytes(StandardCharsets.UTF_8);

        Manifest manifest = registry.pushManifest(repository, "odd", OCI_MANIFEST, body);

        assertServed(repository, "odd", manifest);
    }

    @Test
    void ociIndex() {
        String repository = uniqueRepository("manifest-index");
        Manifest amd64 = registry.pushImage(repository, "amd64");
        Manifest arm64 = registry.pushImage(repository, "arm64");
        byte[] body = index(OCI_INDEX, List.of(amd64, arm64));

        Manifest index = registry.pushManifest(repository, "multi", OCI_INDEX, body);

        assertServed(repository, "multi", index);
        assertServed(repository, index.digest(), index);
    }

    @Test
    void dockerV2Schema2Manifest() {
        String repository = uniqueRepository("manifest-docker");
        Manifest manifest = image(repository, DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER);

        registry.pushManifest(repository, "latest", DOCKER_MANIFEST, manifest.bytes());

        assertServed(repository, "latest", manifest);
    }

    @Test
    void dockerManifestList() {
        String repository = uniqueRepository("manifest-dockerlist");
        Manifest a = image(repository, DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER);
        Manifest b = image(repository, DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER);
        registry.pushManifest(repository, a.digest(), DOCKER_MANIFEST, a.bytes());
        registry.pushManifest(repository, b.digest(), DOCKER_MANIFEST, b.bytes());

        Manifest list = registry.pushManifest(repository, "latest", DOCKER_MANIFEST_LIST,
                index(DOCKER_MANIFEST_LIST, List.of(a, b)));

        assertServed(repository, "latest", list);
    }

    @Test
    void ociArtifactWithArtifactTypeAndEmptyConfig() {
        String repository = uniqueRepository("manifest-artifact");
        Blob empty = registry.pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8), OCI_EMPTY);
        Blob sbom = registry.pushBlob(repository, "{\"sbom\":true}".getBytes(StandardCharsets.UTF_8),
                "application/spdx+json");
        Map<String, Object> artifact = new LinkedHashMap<>();
        artifact.put("schemaVersion", 2);
        artifact.put("mediaType", OCI_MANIFEST);
        artifact.put("artifactType", "application/vnd.example.sbom.v1");
        artifact.put("config", empty.descriptor());
        artifact.put("layers", List.of(sbom.descriptor()));

        Manifest manifest = registry.pushManifest(repository, "sbom", OCI_MANIFEST, toJson(artifact));

        assertServed(repository, "sbom", manifest);
    }

    @Test
    void mediaTypeIsTakenFromContentTypeWhenTheBodyHasNone() {
        String repository = uniqueRepository("manifest-ctype");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", 2);
        body.put("config", config.descriptor());
        body.put("layers", List.of());
        byte[] bytes = toJson(body);

        HttpResponse<String> put = registry.putManifest(repository, "v1", OCI_MANIFEST + "; charset=utf-8", bytes);

        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertServed(repository, "v1", new Manifest(bytes, sha256(bytes), OCI_MANIFEST));
    }

    @Test
    void manifestWithoutAnyMediaTypeIsInvalid() {
        String repository = uniqueRepository("manifest-notype");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        byte[] body = toJson(Map.of("schemaVersion", 2, "config", config.descriptor(), "layers", List.of()));

        assertError(registry.putManifest(repository, "v1", null, body), 400, "MANIFEST_INVALID");
        assertError(registry.putManifest(repository, "v1", "application/octet-stream", body), 400, "MANIFEST_INVALID");
    }

    @Test
    void mediaTypeContradictingContentTypeIsInvalid() {
        String repository = uniqueRepository("manifest-mismatch");
        Manifest manifest = ociImage(repository);

        assertError(registry.putManifest(repository, "v1", DOCKER_MANIFEST, manifest.bytes()), 400, "MANIFEST_INVALID");
    }

    @Test
    void reTaggingMovesTheTagAndRePushingIsIdempotent() {
        String repository = uniqueRepository("manifest-retag");
        Manifest first = registry.pushImage(repository, "latest");
        Manifest second = registry.pushImage(repository, "latest");

        assertServed(repository, "latest", second);
        assertServed(repository, first.digest(), first);

        registry.pushManifest(repository, "latest", OCI_MANIFEST, second.bytes());
        registry.pushManifest(repository, second.digest(), OCI_MANIFEST, second.bytes());
        assertServed(repository, "latest", second);
    }

    @Test
    void digestPushWithTagParametersCreatesTheTagsAndSaysSo() {
        String repository = uniqueRepository("manifest-tagparams");
        Manifest manifest = ociImage(repository);

        HttpResponse<String> put = registry.putManifest(repository,
                manifest.digest() + "?tag=1.2.3&tag=1.2&tag=latest", OCI_MANIFEST, manifest.bytes());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        List<String> announced = new ArrayList<>();
        put.headers().allValues("OCI-Tag").forEach(value -> {
            for (String tag : value.split(",")) {
                announced.add(tag.trim());
            }
        });
        assertThat(announced).containsExactlyInAnyOrder("1.2.3", "1.2", "latest");
        for (String tag : List.of("1.2.3", "1.2", "latest")) {
            assertServed(repository, tag, manifest);
        }
    }

    @Test
    void invalidTagParameterIsRefusedAndNothingIsStored() {
        String repository = uniqueRepository("manifest-badtagparam");
        Manifest manifest = ociImage(repository);

        HttpResponse<String> put = registry.putManifest(repository,
                manifest.digest() + "?tag=good&tag=-bad", OCI_MANIFEST, manifest.bytes());

        assertThat(put.statusCode()).isEqualTo(400);
        RegistryClient.assertOciErrorBody(put);
        assertError(registry.get(manifestPath(repository, "good")), 404, "MANIFEST_UNKNOWN");
        assertError(registry.get(manifestPath(repository, manifest.digest())), 404, "MANIFEST_UNKNOWN");
    }

    // ---------------------------------------------------------------- content negotiation and caching

    @Test
    void acceptHeaderListingTheTypeServesTheManifest() {
        String repository = uniqueRepository("manifest-accept");
        Manifest manifest = registry.pushImage(repository, "v1");

        for (String accept : List.of(OCI_MANIFEST, DOCKER_MANIFEST + ", " + OCI_MANIFEST,
                OCI_INDEX + ";q=0.5, " + OCI_MANIFEST + ";q=0.9", "*/*", "application/json")) {
            HttpResponse<byte[]> response = registry.getBytes(manifestPath(repository, "v1"), "Accept", accept);
            assertThat(response.statusCode()).as(accept).isEqualTo(200);
            assertThat(response.body()).isEqualTo(manifest.bytes());
            assertThat(response.headers().firstValue("Content-Type")).hasValue(OCI_MANIFEST);
        }
        HttpResponse<byte[]> multipleHeaders = registry.sendForBytes(registry.request(manifestPath(repository, "v1"))
                .header("Accept", DOCKER_MANIFEST).header("Accept", OCI_MANIFEST).GET().build());
        assertThat(multipleHeaders.statusCode()).isEqualTo(200);
    }

    @Test
    void tagOfATypeTheClientDoesNotAcceptIsNotServed() {
        // As distribution: a tag resolves only to a type the client lists, so an old client never gets a
        // manifest it cannot parse.
        String repository = uniqueRepository("manifest-accept");
        registry.pushImage(repository, "v1");

        HttpResponse<String> response = registry.send(registry.request(manifestPath(repository, "v1"))
                .header("Accept", DOCKER_MANIFEST).GET().build());

        assertError(response, 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void digestIsServedWhateverTheAcceptHeader() {
        String repository = uniqueRepository("manifest-accept");
        Manifest manifest = registry.pushImage(repository, "v1");

        HttpResponse<byte[]> response = registry.getBytes(manifestPath(repository, manifest.digest()),
                "Accept", DOCKER_MANIFEST_LIST);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(manifest.bytes());
        assertThat(response.headers().firstValue("Content-Type")).hasValue(OCI_MANIFEST);
    }

    @Test
    void ifNoneMatchWithTheDigestIs304() {
        String repository = uniqueRepository("manifest-etag");
        Manifest manifest = registry.pushImage(repository, "v1");

        HttpResponse<byte[]> response = registry.getBytes(manifestPath(repository, "v1"),
                "If-None-Match", "\"" + manifest.digest() + "\"");

        assertThat(response.statusCode()).isEqualTo(304);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("ETag")).hasValue("\"" + manifest.digest() + "\"");
    }

    // ---------------------------------------------------------------- unknown content

    @Test
    void unknownTagOrDigestIs404ManifestUnknown() {
        String repository = uniqueRepository("manifest-unknown");
        registry.pushImage(repository, "v1");

        assertError(registry.get(manifestPath(repository, "v2")), 404, "MANIFEST_UNKNOWN");
        assertError(registry.get(manifestPath(repository, RegistryClient.unknownDigest())), 404, "MANIFEST_UNKNOWN");
        assertThat(registry.head(manifestPath(repository, "v2")).statusCode()).isEqualTo(404);
    }

    @Test
    void unknownRepositoryIs404NameUnknown() {
        assertError(registry.get(manifestPath(uniqueRepository("manifest-norepo"), "latest")), 404, "NAME_UNKNOWN");
        assertThat(registry.head(manifestPath(uniqueRepository("manifest-norepo"), "latest")).statusCode())
                .isEqualTo(404);
    }

    @Test
    void manifestOfOneRepositoryIsNotServedByAnother() {
        String owner = uniqueRepository("manifest-owner");
        String other = uniqueRepository("manifest-other");
        Manifest manifest = registry.pushImage(owner, "v1");
        registry.pushImage(other, "v1");

        assertError(registry.get(manifestPath(other, manifest.digest())), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void missingLayerIsManifestBlobUnknown() {
        String repository = uniqueRepository("manifest-nolayer");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        Blob missing = new Blob(RegistryClient.randomBytes(10), RegistryClient.unknownDigest(), RegistryClient.OCI_LAYER);

        HttpResponse<String> put = registry.putManifest(repository, "v1", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, config, List.of(missing)));

        assertError(put, 400, "MANIFEST_BLOB_UNKNOWN");
        assertError(registry.get(manifestPath(repository, "v1")), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void missingConfigIsManifestBlobUnknown() {
        String repository = uniqueRepository("manifest-noconfig");
        Blob layer = registry.pushRandomBlob(repository, 10);
        Blob missing = new Blob(new byte[5], RegistryClient.unknownDigest(), OCI_CONFIG);

        assertError(registry.putManifest(repository, "v1", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, missing, List.of(layer))), 400, "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void blobOnlyInAnotherRepositoryIsManifestBlobUnknown() {
        String repository = uniqueRepository("manifest-foreignblob");
        String elsewhere = uniqueRepository("manifest-elsewhere");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        Blob layer = registry.pushRandomBlob(elsewhere, 10);

        assertError(registry.putManifest(repository, "v1", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, config, List.of(layer))), 400, "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void missingIndexChildIsManifestBlobUnknown() {
        String repository = uniqueRepository("manifest-nochild");
        Manifest present = registry.pushImage(repository, "v1");
        Manifest absent = new Manifest(new byte[100], RegistryClient.unknownDigest(), OCI_MANIFEST);

        assertError(registry.putManifest(repository, "multi", OCI_INDEX, index(OCI_INDEX, List.of(present, absent))),
                400, "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void indexChildOnlyInAnotherRepositoryIsManifestBlobUnknown() {
        String repository = uniqueRepository("manifest-foreignchild");
        registry.pushImage(repository, "v1");
        Manifest foreign = registry.pushImage(uniqueRepository("manifest-elsewhere"), "v1");

        assertError(registry.putManifest(repository, "multi", OCI_INDEX, index(OCI_INDEX, List.of(foreign))),
                400, "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void blobDeletedFromTheRepositoryCannotBeReferencedAgain() {
        String repository = uniqueRepository("manifest-deletedblob");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        Blob layer = registry.pushRandomBlob(repository, 10);
        assertThat(registry.delete("/v2/" + repository + "/blobs/" + layer.digest()).statusCode()).isEqualTo(202);

        assertError(registry.putManifest(repository, "v1", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, config, List.of(layer))), 400, "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void blobOfADeletedManifestCanThenBeDeleted() {
        String repository = uniqueRepository("manifest-freeblob");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        Blob layer = registry.pushRandomBlob(repository, 10);
        Manifest manifest = registry.pushManifest(repository, "v1", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, config, List.of(layer)));
        assertError(registry.delete("/v2/" + repository + "/blobs/" + layer.digest()), 409, "DENIED");

        assertThat(registry.delete(manifestPath(repository, manifest.digest())).statusCode()).isEqualTo(202);

        assertThat(registry.delete("/v2/" + repository + "/blobs/" + layer.digest()).statusCode()).isEqualTo(202);
    }

    @Test
    void subjectMayBeAbsentAndIsAcknowledgedWithOciSubject() {
        String repository = uniqueRepository("manifest-subject");
        Blob empty = registry.pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8), OCI_EMPTY);
        String subjectDigest = RegistryClient.unknownDigest();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", 2);
        body.put("mediaType", OCI_MANIFEST);
        body.put("artifactType", "application/vnd.example.signature.v1");
        body.put("config", empty.descriptor());
        body.put("layers", List.of(empty.descriptor()));
        body.put("subject", RegistryClient.descriptor(OCI_MANIFEST, subjectDigest, 1234));
        byte[] bytes = toJson(body);

        HttpResponse<String> put = registry.putManifest(repository, sha256(bytes), OCI_MANIFEST, bytes);

        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("OCI-Subject")).hasValue(subjectDigest);
    }

    @Test
    void foreignLayerWithUrlsNeedNotBePresent() {
        String repository = uniqueRepository("manifest-foreign");
        Blob config = registry.pushConfig(repository, DOCKER_CONFIG);
        Map<String, Object> foreign = RegistryClient.descriptor(
                "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", RegistryClient.unknownDigest(), 1000);
        foreign.put("urls", List.of("https://example.com/layer.tar.gz"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", 2);
        body.put("mediaType", DOCKER_MANIFEST);
        body.put("config", config.descriptor());
        body.put("layers", List.of(foreign));

        Manifest manifest = registry.pushManifest(repository, "windows", DOCKER_MANIFEST, toJson(body));

        assertServed(repository, "windows", manifest);
    }

    // ---------------------------------------------------------------- invalid manifests

    private static Map<String, Object> validManifest(Blob config, Blob layer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", 2);
        body.put("mediaType", OCI_MANIFEST);
        body.put("config", config.descriptor());
        body.put("layers", new ArrayList<>(List.of(layer.descriptor())));
        return body;
    }

    @Test
    void malformedManifestsAreManifestInvalid() {
        String repository = uniqueRepository("manifest-invalid");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        Blob layer = registry.pushRandomBlob(repository, 10);
        String configJson = new String(toJson(config.descriptor()), StandardCharsets.UTF_8);
        String layerJson = new String(toJson(layer.descriptor()), StandardCharsets.UTF_8);

        List<String> bodies = new ArrayList<>(List.of(
                "",
                "not json",
                "{",
                "[]",
                "null",
                "42",
                "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + configJson
                        + ",\"layers\":[" + layerJson + "]",
                // duplicate keys: two parsers could see two different manifests in the same bytes
                "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + configJson
                        + ",\"layers\":[" + layerJson + "],\"layers\":[]}",
                "{\"schemaVersion\":2,\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":"
                        + configJson + ",\"layers\":[" + layerJson + "]}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                        + OCI_CONFIG + "\",\"mediaType\":\"x/y\",\"digest\":\"" + config.digest() + "\",\"size\":"
                        + config.size() + "},\"layers\":[]}"));
        for (Object schemaVersion : new Object[] {1, 3, "2", 2.5, null}) {
            Map<String, Object> body = validManifest(config, layer);
            if (schemaVersion == null) {
                body.remove("schemaVersion");
            } else {
                body.put("schemaVersion", schemaVersion);
            }
            bodies.add(new String(toJson(body), StandardCharsets.UTF_8));
        }
        Map<String, Object> noConfig = validManifest(config, layer);
        noConfig.remove("config");
        Map<String, Object> layersNotArray = validManifest(config, layer);
        layersNotArray.put("layers", layer.descriptor());
        Map<String, Object> unknownType = validManifest(config, layer);
        unknownType.put("mediaType", "application/vnd.example.unknown+json");
        Map<String, Object> badArtifactType = validManifest(config, layer);
        badArtifactType.put("artifactType", "not a media type");
        Map<String, Object> annotationsNotStrings = validManifest(config, layer);
        annotationsNotStrings.put("annotations", Map.of("n", 1));
        Map<String, Object> imageWithManifests = validManifest(config, layer);
        imageWithManifests.put("manifests", List.of());
        for (Map<String, Object> body : List.of(noConfig, layersNotArray, unknownType, badArtifactType,
                annotationsNotStrings, imageWithManifests)) {
            bodies.add(new String(toJson(body), StandardCharsets.UTF_8));
        }

        for (String body : bodies) {
            HttpResponse<String> put = registry.putManifest(repository, "bad", OCI_MANIFEST,
                    body.getBytes(StandardCharsets.UTF_8));
            assertThat(put.statusCode()).as("PUT %s -> %s", body, put.body()).isEqualTo(400);
            assertError(put, 400, "MANIFEST_INVALID");
        }
        assertError(registry.get(manifestPath(repository, "bad")), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void badDescriptorsAreManifestInvalid() {
        String repository = uniqueRepository("manifest-baddesc");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        Blob layer = registry.pushRandomBlob(repository, 10);
        List<Map<String, Object>> badLayers = new ArrayList<>();
        Map<String, Object> noDigest = layer.descriptor();
        noDigest.remove("digest");
        badLayers.add(noDigest);
        Map<String, Object> badDigest = layer.descriptor();
        badDigest.put("digest", "sha256:totallywrong");
        badLayers.add(badDigest);
        Map<String, Object> noSize = layer.descriptor();
        noSize.remove("size");
        badLayers.add(noSize);
        Map<String, Object> negativeSize = layer.descriptor();
        negativeSize.put("size", -1);
        badLayers.add(negativeSize);
        Map<String, Object> textSize = layer.descriptor();
        textSize.put("size", "10");
        badLayers.add(textSize);
        Map<String, Object> fractionalSize = layer.descriptor();
        fractionalSize.put("size", 10.5);
        badLayers.add(fractionalSize);
        Map<String, Object> noMediaType = layer.descriptor();
        noMediaType.remove("mediaType");
        badLayers.add(noMediaType);
        Map<String, Object> badMediaType = layer.descriptor();
        badMediaType.put("mediaType", "nonsense");
        badLayers.add(badMediaType);
        Map<String, Object> urlsNotStrings = layer.descriptor();
        urlsNotStrings.put("urls", List.of(1, 2));
        badLayers.add(urlsNotStrings);

        for (Map<String, Object> bad : badLayers) {
            Map<String, Object> body = validManifest(config, layer);
            body.put("layers", List.of(bad));
            assertError(registry.putManifest(repository, "bad", OCI_MANIFEST, toJson(body)), 400, "MANIFEST_INVALID");
        }
        Map<String, Object> layerIsString = validManifest(config, layer);
        layerIsString.put("layers", List.of("sha256:abc"));
        assertError(registry.putManifest(repository, "bad", OCI_MANIFEST, toJson(layerIsString)), 400,
                "MANIFEST_INVALID");
    }

    @Test
    void sizeMismatchIsManifestInvalid() {
        String repository = uniqueRepository("manifest-size");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        Blob layer = registry.pushRandomBlob(repository, 10);
        Map<String, Object> wrongLayerSize = validManifest(config, layer);
        Map<String, Object> descriptor = layer.descriptor();
        descriptor.put("size", 11);
        wrongLayerSize.put("layers", List.of(descriptor));
        Map<String, Object> wrongConfigSize = validManifest(config, layer);
        Map<String, Object> configDescriptor = config.descriptor();
        configDescriptor.put("size", 0);
        wrongConfigSize.put("config", configDescriptor);

        assertError(registry.putManifest(repository, "bad", OCI_MANIFEST, toJson(wrongLayerSize)), 400,
                "MANIFEST_INVALID");
        assertError(registry.putManifest(repository, "bad", OCI_MANIFEST, toJson(wrongConfigSize)), 400,
                "MANIFEST_INVALID");
    }

    @Test
    void indexChildSizeMismatchIsManifestInvalid() {
        String repository = uniqueRepository("manifest-childsize");
        Manifest child = registry.pushImage(repository, "v1");
        Map<String, Object> descriptor = child.descriptor();
        descriptor.put("size", child.bytes().length + 1);
        byte[] body = toJson(Map.of("schemaVersion", 2, "mediaType", OCI_INDEX, "manifests", List.of(descriptor)));

        assertError(registry.putManifest(repository, "multi", OCI_INDEX, body), 400, "MANIFEST_INVALID");
    }

    @Test
    void indexWithLayersIsManifestInvalid() {
        String repository = uniqueRepository("manifest-badindex");
        Manifest child = registry.pushImage(repository, "v1");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", 2);
        body.put("mediaType", OCI_INDEX);
        body.put("manifests", List.of(child.descriptor()));
        body.put("layers", List.of());

        assertError(registry.putManifest(repository, "multi", OCI_INDEX, toJson(body)), 400, "MANIFEST_INVALID");
        assertError(registry.putManifest(repository, "multi", OCI_INDEX,
                toJson(Map.of("schemaVersion", 2, "mediaType", OCI_INDEX))), 400, "MANIFEST_INVALID");
    }

    @Test
    void digestMismatchOnPutByDigestIsDigestInvalid() {
        String repository = uniqueRepository("manifest-wrongdigest");
        Manifest manifest = ociImage(repository);
        String wrong = RegistryClient.unknownDigest();

        assertError(registry.putManifest(repository, wrong, OCI_MANIFEST, manifest.bytes()), 400, "DIGEST_INVALID");
        assertError(registry.get(manifestPath(repository, wrong)), 404, "MANIFEST_UNKNOWN");
        assertError(registry.get(manifestPath(repository, manifest.digest())), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void putBySha512Digest() {
        String repository = uniqueRepository("manifest-sha512");
        Manifest manifest = ociImage(repository);
        String digest = RegistryClient.sha512(manifest.bytes());

        HttpResponse<String> put = registry.putManifest(repository, digest, OCI_MANIFEST, manifest.bytes());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        HttpResponse<byte[]> get = registry.getBytes(manifestPath(repository, digest));
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(manifest.bytes());
        assertThat(get.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
    }

    // ---------------------------------------------------------------- size limit

    /** A valid manifest padded with an annotation to exactly {@code size} bytes. */
    private static byte[] manifestOfSize(Blob config, int size) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", 2);
        body.put("mediaType", OCI_MANIFEST);
        body.put("config", config.descriptor());
        body.put("layers", List.of());
        body.put("annotations", Map.of("pad", ""));
        int overhead = toJson(body).length;
        body.put("annotations", Map.of("pad", "x".repeat(size - overhead)));
        byte[] bytes = toJson(body);
        assertThat(bytes).hasSize(size);
        return bytes;
    }

    @Test
    void manifestOfExactlyFourMibIsAccepted() {
        String repository = uniqueRepository("manifest-4mib");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        byte[] body = manifestOfSize(config, FOUR_MIB);

        Manifest manifest = registry.pushManifest(repository, "big", OCI_MANIFEST, body);

        assertServed(repository, "big", manifest);
    }

    @Test
    void manifestOverFourMibIs413() {
        String repository = uniqueRepository("manifest-toobig");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        byte[] body = manifestOfSize(config, FOUR_MIB + 1);

        HttpResponse<String> put = registry.putManifest(repository, "big", OCI_MANIFEST, body);

        assertThat(put.statusCode()).isEqualTo(413);
        RegistryClient.assertOciErrorBody(put);
        assertError(registry.get(manifestPath(repository, "big")), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void manifestOverFourMibWithoutContentLengthIs413() {
        String repository = uniqueRepository("manifest-toobig");
        Blob config = registry.pushConfig(repository, OCI_CONFIG);
        byte[] body = manifestOfSize(config, FOUR_MIB + 100);

        HttpResponse<String> put = registry.send(registry.request(manifestPath(repository, "big"))
                .header("Content-Type", OCI_MANIFEST)
                .PUT(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());

        assertThat(put.statusCode()).isEqualTo(413);
        RegistryClient.assertOciErrorBody(put);
    }

    // ---------------------------------------------------------------- delete

    @Test
    void deleteByTagRemovesOnlyTheTag() {
        String repository = uniqueRepository("manifest-deltag");
        Manifest manifest = registry.pushImage(repository, "v1");
        registry.pushManifest(repository, "v2", OCI_MANIFEST, manifest.bytes());

        HttpResponse<String> delete = registry.delete(manifestPath(repository, "v1"));

        assertThat(delete.statusCode()).isEqualTo(202);
        assertError(registry.get(manifestPath(repository, "v1")), 404, "MANIFEST_UNKNOWN");
        assertServed(repository, manifest.digest(), manifest);
        assertServed(repository, "v2", manifest);
    }

    @Test
    void deleteByDigestRemovesTheManifestAndItsTags() {
        String repository = uniqueRepository("manifest-deldigest");
        Manifest manifest = registry.pushImage(repository, "v1");
        registry.pushManifest(repository, "v2", OCI_MANIFEST, manifest.bytes());
        Manifest other = registry.pushImage(repository, "other");

        HttpResponse<String> delete = registry.delete(manifestPath(repository, manifest.digest()));

        assertThat(delete.statusCode()).isEqualTo(202);
        assertError(registry.get(manifestPath(repository, manifest.digest())), 404, "MANIFEST_UNKNOWN");
        assertError(registry.get(manifestPath(repository, "v1")), 404, "MANIFEST_UNKNOWN");
        assertError(registry.get(manifestPath(repository, "v2")), 404, "MANIFEST_UNKNOWN");
        assertThat(registry.head(manifestPath(repository, manifest.digest())).statusCode()).isEqualTo(404);
        HttpResponse<String> tags = registry.get("/v2/" + repository + "/tags/list");
        assertThat(RegistryClient.json(tags.body()).get("tags").toString()).isEqualTo("[\"other\"]");
        assertServed(repository, "other", other);
    }

    @Test
    void deletingAChildOfAnIndexIsRefusedUntilTheIndexIsGone() {
        String repository = uniqueRepository("manifest-delchild");
        Manifest child = registry.pushImage(repository, "child");
        Manifest index = registry.pushManifest(repository, "multi", OCI_INDEX, index(OCI_INDEX, List.of(child)));

        assertError(registry.delete(manifestPath(repository, child.digest())), 409, "DENIED");
        assertServed(repository, child.digest(), child);
        assertServed(repository, "multi", index);

        assertThat(registry.delete(manifestPath(repository, index.digest())).statusCode()).isEqualTo(202);
        assertThat(registry.delete(manifestPath(repository, child.digest())).statusCode()).isEqualTo(202);
        assertError(registry.get(manifestPath(repository, child.digest())), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void deletingWhatIsNotThereIs404() {
        String repository = uniqueRepository("manifest-delunknown");
        registry.pushImage(repository, "v1");

        assertError(registry.delete(manifestPath(repository, "nope")), 404, "MANIFEST_UNKNOWN");
        assertError(registry.delete(manifestPath(repository, RegistryClient.unknownDigest())), 404, "MANIFEST_UNKNOWN");
        assertError(registry.delete(manifestPath(uniqueRepository("manifest-nothing"), "v1")), 404, "NAME_UNKNOWN");
    }

    @Test
    void manifestCanBePushedAgainAfterDeletion() {
        String repository = uniqueRepository("manifest-repush");
        Manifest manifest = registry.pushImage(repository, "v1");
        assertThat(registry.delete(manifestPath(repository, manifest.digest())).statusCode()).isEqualTo(202);

        registry.pushManifest(repository, "v1", OCI_MANIFEST, manifest.bytes());

        assertServed(repository, "v1", manifest);
    }
}
