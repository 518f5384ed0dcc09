package io.stowage.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A minimal OCI distribution client for the API tests: pushes blobs and manifests over real HTTP, builds
 * manifests, computes digests and checks OCI error bodies. Every push asserts its own success, so a test
 * that uses it as set-up fails loudly (and at the right place) when set-up is broken. Public for the tests of other
 * packages; credentials go in through the request function (e.g. one that adds an {@code Authorization} header).
 */
public final class RegistryClient {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final Function<String, HttpRequest.Builder> request;

    /**
     * @param request builds a request for a path of the registry under test (the test base's {@code request}),
     *     resolved per call because the port is known only once the test runs
     */
    public RegistryClient(HttpClient http, Function<String, HttpRequest.Builder> request) {
        this.http = http;
        this.request = request;
    }

    /** A pushed blob: its bytes, digest and the descriptor a manifest would use for it. */
    public record Blob(byte[] content, String digest, String mediaType) {
        public long size() {
            return content.length;
        }

        public Map<String, Object> descriptor() {
            return RegistryClient.descriptor(mediaType, digest, content.length);
        }
    }

    /** A pushed manifest: its exact bytes, digest and media type. */
    public record Manifest(byte[] bytes, String digest, String mediaType) {
        public Map<String, Object> descriptor() {
            return RegistryClient.descriptor(mediaType, digest, bytes.length);
        }
    }

    // ---------------------------------------------------------------- HTTP

    public HttpRequest.Builder request(String path) {
        return request.apply(path);
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> sendForBytes(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    public HttpResponse<byte[]> getBytes(String path, String... headers) {
        HttpRequest.Builder builder = request(path).GET();
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return sendForBytes(builder.build());
    }

    public HttpResponse<String> head(String path, String... headers) {
        HttpRequest.Builder builder = request(path).method("HEAD", BodyPublishers.noBody());
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return send(builder.build());
    }

    public HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    public HttpResponse<String> method(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder builder = request(path).method(method,
                body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return send(builder.build());
    }

    /** A request to a Location header value (relative, as Stowage hands them out, or absolute). */
    public HttpRequest.Builder requestLocation(String location) {
        if (location.startsWith("http://") || location.startsWith("https://")) {
            return request(URI.create(location).getRawPath()
                    + (URI.create(location).getRawQuery() == null ? "" : "?" + URI.create(location).getRawQuery()));
        }
        return request(location);
    }

    /** Appends a query parameter to a location that may already carry a query. */
    public static String withQuery(String location, String parameter) {
        return location + (location.contains("?") ? "&" : "?") + parameter;
    }

    // ---------------------------------------------------------------- blobs

    /** Pushes bytes with a single {@code POST ?digest=} and returns the blob. */
    public Blob pushBlob(String repository, byte[] content) {
        return pushBlob(repository, content, OCI_LAYER);
    }

    public Blob pushBlob(String repository, byte[] content, String mediaType) {
        String digest = sha256(content);
        HttpResponse<String> response = send(request("/v2/" + repository + "/blobs/uploads/?digest=" + digest)
                .header("Content-Type", "application/octet-stream")
                .POST(BodyPublishers.ofByteArray(content)).build());
        assertThat(response.statusCode()).as("monolithic push of %s: %s", digest, response.body()).isEqualTo(201);
        return new Blob(content, digest, mediaType);
    }

    public Blob pushRandomBlob(String repository, int size) {
        return pushBlob(repository, randomBytes(size));
    }

    public Blob pushConfig(String repository, String mediaType) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                + "\"nonce\":\"" + randomHex(8) + "\"}").getBytes(StandardCharsets.UTF_8);
        return pushBlob(repository, config, mediaType);
    }

    /** Opens an upload session; returns its Location. */
    public String startUpload(String repository) {
        HttpResponse<String> response = send(request("/v2/" + repository + "/blobs/uploads/")
                .POST(BodyPublishers.noBody()).build());
        assertThat(response.statusCode()).as("POST upload: %s", response.body()).isEqualTo(202);
        return response.headers().firstValue("Location").orElseThrow();
    }

    // ---------------------------------------------------------------- manifests

    public HttpResponse<String> putManifest(String repository, String reference, String contentType, byte[] body) {
        HttpRequest.Builder builder = request("/v2/" + repository + "/manifests/" + reference)
                .PUT(BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder.build());
    }

    /** Pushes a manifest and asserts 201 with the right digest. */
    public Manifest pushManifest(String repository, String reference, String mediaType, byte[] body) {
        HttpResponse<String> response = putManifest(repository, reference, mediaType, body);
        String digest = sha256(body);
        assertThat(response.statusCode()).as("PUT manifest %s: %s", reference, response.body()).isEqualTo(201);
        assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        return new Manifest(body, digest, mediaType);
    }

    /** Pushes a config and one random layer, then an OCI image manifest referencing them. */
    public Manifest pushImage(String repository, String reference) {
        Blob config = pushConfig(repository, OCI_CONFIG);
        Blob layer = pushRandomBlob(repository, 512);
        return pushManifest(repository, reference, OCI_MANIFEST, imageManifest(OCI_MANIFEST, config, List.of(layer)));
    }

    /** The bytes of an image manifest (OCI or Docker v2s2, by media type) over config and layers. */
    public static byte[] imageManifest(String mediaType, Blob config, List<Blob> layers) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", mediaType);
        manifest.put("config", config.descriptor());
        List<Object> layerDescriptors = new ArrayList<>();
        layers.forEach(layer -> layerDescriptors.add(layer.descriptor()));
        manifest.put("layers", layerDescriptors);
        return toJson(manifest);
    }

    /** The bytes of an index (OCI or Docker manifest list, by media type) over child manifests. */
    public static byte[] index(String mediaType, List<Manifest> children) {
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", mediaType);
        List<Object> manifests = new ArrayList<>();
        int i = 0;
        for (Manifest child : children) {
            Map<String, Object> descriptor = child.descriptor();
            descriptor.put("platform", Map.of("os", "linux", "architecture", i++ % 2 == 0 ? "amd64" : "arm64"));
            manifests.add(descriptor);
        }
        index.put("manifests", manifests);
        return toJson(index);
    }

    public static Map<String, Object> descriptor(String mediaType, String digest, long size) {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digest);
        descriptor.put("size", size);
        return descriptor;
    }

    // ---------------------------------------------------------------- JSON, digests, bytes

    public static byte[] toJson(Object value) {
        return JSON.writeValueAsBytes(value);
    }

    public static JsonNode json(String body) {
        return JSON.readTree(body);
    }

    public static String sha256(byte[] content) {
        return "sha256:" + hex("SHA-256", content);
    }

    public static String sha512(byte[] content) {
        return "sha512:" + hex("SHA-512", content);
    }

    private static String hex(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    public static String randomHex(int bytes) {
        return HexFormat.of().formatHex(randomBytes(bytes));
    }

    /** A well-formed sha256 digest of content nobody pushed. */
    public static String unknownDigest() {
        return sha256(randomBytes(32));
    }

    // ---------------------------------------------------------------- errors

    /**
     * Asserts an OCI error response: the status, a JSON body {@code {"errors":[{"code":...}]}} whose first
     * code is {@code code}, and that every code is one the specification lists.
     */
    public static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as("status of %s: %s", response.request().uri(), response.body())
                .isEqualTo(status);
        assertOciErrorBody(response);
        assertThat(json(response.body()).get("errors").get(0).get("code").asString())
                .as("error code of %s", response.request().uri()).isEqualTo(code);
    }

    /** The codes of the distribution spec's error table (plus none other). */
    public static final List<String> SPEC_CODES = List.of("BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN",
            "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID",
            "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS");

    /** Asserts the body is the OCI JSON error body with spec codes only (for HEAD there is no body to check). */
    public static void assertOciErrorBody(HttpResponse<String> response) {
        if ("HEAD".equals(response.request().method())) {
            return;
        }
        assertThat(response.headers().firstValue("Content-Type")).as("error Content-Type of %s",
                response.request().uri()).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode body = json(response.body());
        assertThat(body.get("errors")).as("errors in %s", response.body()).isNotNull();
        assertThat(body.get("errors").isArray()).isTrue();
        assertThat(body.get("errors").size()).isGreaterThan(0);
        for (JsonNode error : body.get("errors")) {
            assertThat(error.get("code").asString()).as("code in %s", response.body()).isIn(SPEC_CODES);
            if (error.has("message")) {
                assertThat(error.get("message").isString()).isTrue();
            }
        }
    }
}
