package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.auth.LoginThrottle;
import io.stowage.auth.TokenAuth;
import io.stowage.distribution.RegistryClient;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Helpers for the admin API tests (each annotated {@code @TokenAuth}): JSON requests over real HTTP with basic or
 * bearer credentials, tokens from {@code /auth/token}, users made through the API, and a tiny image push.
 */
public abstract class AdminApiTestBase extends RegistryTestBase {

    protected static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    private LoginThrottle throttle;

    /**
     * Every test comes from the same address and some sign in wrongly on purpose; start each with the address's
     * failures forgotten, so that no test is slowed down by another's.
     */
    @BeforeEach
    void forgetFailedSignIns() {
        for (String address : List.of("127.0.0.1", "0:0:0:0:0:0:0:1")) {
            throttle.forgetAddress(address);
        }
    }

    /** The administrator's basic credentials. */
    protected static final String ADMIN = basic(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);

    /** A lowercase name no other test uses, e.g. {@code user1a2b3c4d}. */
    protected static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    protected static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    protected static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    protected static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** Sends a request to the admin API; {@code authorization} and {@code body} (serialised as JSON) may be null. */
    protected HttpResponse<String> call(String method, String path, String authorization, Object body) throws Exception {
        HttpRequest.Builder request = request(path);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            String text = body instanceof String s ? s : JSON.writeValueAsString(body);
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(text));
        }
        return send(request.build());
    }

    protected HttpResponse<String> get(String path, String authorization) throws Exception {
        return call("GET", path, authorization, null);
    }

    /**
     * Asserts the status and the admin API's error body: an RFC 9457 problem detail (application/problem+json) whose
     * {@code instance} is the path requested, with the stable code as {@code error}. Returns the body.
     */
    protected static JsonNode assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as(response.body()).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = json(response);
        assertThat(body.get("error").asString()).as(response.body()).isEqualTo(code);
        assertThat(body.get("type").asString()).as(response.body()).isEqualTo("about:blank");
        assertThat(body.get("status").asInt()).as(response.body()).isEqualTo(status);
        assertThat(body.get("title").asString()).as(response.body()).isNotBlank();
        assertThat(body.get("detail").asString()).as(response.body()).isNotBlank();
        assertThat(body.get("instance").asString()).as(response.body())
                .isEqualTo(response.request().uri().getRawPath());
        return body;
    }

    /** Creates a user through the API (as the administrator) and returns its name. */
    protected String newUser(String password, boolean admin) throws Exception {
        String name = unique("u");
        HttpResponse<String> created = call("POST", "/api/v1/users", ADMIN,
                Map.of("username", name, "password", password, "admin", admin));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return name;
    }

    /** {@code GET /auth/token} with basic credentials and the scopes; the raw answer. */
    protected HttpResponse<String> tokenResponse(String authorization, String... scopes) throws Exception {
        StringBuilder query = new StringBuilder("/auth/token?service=stowage");
        for (String scope : scopes) {
            query.append("&scope=").append(encode(scope));
        }
        HttpRequest.Builder request = request(query.toString()).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    /** A token for these basic credentials; fails the test unless one is issued. */
    String token(String authorization, String... scopes) throws Exception {
        HttpResponse<String> response = tokenResponse(authorization, scopes);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).get("token").asString();
    }

    /** The scope the token endpoint granted ({@code repository:a/b:pull,push ...}; empty when nothing). */
    String grantedScope(String authorization, String... scopes) throws Exception {
        HttpResponse<String> response = tokenResponse(authorization, scopes);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).get("scope").asString();
    }

    /** A /v2/ client sending {@code authorization} (basic credentials, say) with every request. */
    RegistryClient registry(String authorization) {
        return new RegistryClient(http, path -> request(path).header("Authorization", authorization));
    }

    /** Pushes a one-layer image through /v2/ as {@code repository:tag}; returns the manifest's digest. */
    protected String pushImage(String repository, String tag, String authorization) throws Exception {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("layer of " + repository).getBytes(StandardCharsets.UTF_8);
        pushBlob(repository, config, authorization);
        pushBlob(repository, layer, authorization);
        return sha256(pushManifest(repository, tag, config, List.of(layer), authorization));
    }

    /**
     * Pushes an image manifest of {@code config} and {@code layers} (pushed before) as {@code repository:tag};
     * {@code authorization} may be null (auth off). Returns the manifest's bytes.
     */
    protected byte[] pushManifest(String repository, String tag, byte[] config, List<byte[]> layers,
                                  String authorization) throws Exception {
        List<Map<String, Object>> descriptors = new ArrayList<>();
        for (byte[] layer : layers) {
            descriptors.add(Map.of("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest", sha256(layer), "size", layer.length));
        }
        byte[] manifest = JSON.writeValueAsBytes(Map.of(
                "schemaVersion", 2,
                "mediaType", "application/vnd.oci.image.manifest.v1+json",
                "config", Map.of("mediaType", "application/vnd.oci.image.config.v1+json",
                        "digest", sha256(config), "size", config.length),
                "layers", descriptors));
        expectCreated(request("/v2/" + repository + "/manifests/" + tag)
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)), authorization);
        return manifest;
    }

    /** Pushes a blob in one request; {@code authorization} may be null (auth off). Returns its digest. */
    protected String pushBlob(String repository, byte[] content, String authorization) throws Exception {
        String digest = sha256(content);
        expectCreated(request("/v2/" + repository + "/blobs/uploads/?digest=" + encode(digest))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)), authorization);
        return digest;
    }

    /** Pushes a small blob of its own in one request with the credentials; the status answered. */
    protected int pushBlobStatus(String repository, String authorization) throws Exception {
        byte[] content = ("blob " + unique("b")).getBytes(StandardCharsets.UTF_8);
        return send(request("/v2/" + repository + "/blobs/uploads/?digest=" + encode(sha256(content)))
                .header("Authorization", authorization).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build()).statusCode();
    }

    /** Sends a /v2/ request with the credentials, if any, and expects 201 Created. */
    private void expectCreated(HttpRequest.Builder request, String authorization) throws Exception {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = send(request.build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    protected static String sha256(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
