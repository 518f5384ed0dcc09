package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static io.stowage.distribution.RegistryClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stowage.RegistryTestBase;
import io.stowage.distribution.RegistryClient.Manifest;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Errors: every 4xx carries the OCI JSON error body with a code from the spec, malformed input of any kind is
 * a 4xx and never a 500, and the common mistakes get the code the spec names.
 */
class ErrorsIT extends RegistryTestBase {

    private final RegistryClient registry = new RegistryClient(http, this::request);

    @Autowired
    private JdbcClient jdbc;

    private String repository;
    private Manifest image;
    private String upload;

    @BeforeEach
    void pushAnImage() {
        repository = uniqueRepository("errors");
        image = registry.pushImage(repository, "v1");
        upload = registry.startUpload(repository);
    }

    // ---------------------------------------------------------------- the codes the spec names

    @Test
    void malformedDigestIs400DigestInvalidEverywhere() {
        String bad = "sha256:totallywrong";

        assertError(registry.get("/v2/" + repository + "/blobs/" + bad), 400, "DIGEST_INVALID");
        assertError(registry.delete("/v2/" + repository + "/blobs/" + bad), 400, "DIGEST_INVALID");
        // A manifest reference is a tag or a digest: a malformed one names nothing, so GET, HEAD and DELETE of it are
        // 404 (invalidManifestReferencesAreNotFound); storing something under it is refused.
        assertError(registry.putManifest(repository, bad, OCI_MANIFEST, image.bytes()), 400, "DIGEST_INVALID");
        assertError(registry.get("/v2/" + repository + "/referrers/" + bad), 400, "DIGEST_INVALID");
        assertError(registry.method("POST", "/v2/" + repository + "/blobs/uploads/?digest=" + bad, new byte[] {1}),
                400, "DIGEST_INVALID");
        assertError(registry.method("PUT", upload + "?digest=" + bad, new byte[] {1}), 400, "DIGEST_INVALID");
        assertThat(registry.head("/v2/" + repository + "/blobs/" + bad).statusCode()).isEqualTo(400);
    }

    @Test
    void invalidManifestReferencesAreNotFound() {
        // The conformance suite (v1.1.1) asks 404 of GET and HEAD of .INVALID_MANIFEST_NAME: nothing can be stored
        // under a reference that is neither a tag nor a digest Stowage supports, so it is simply not found.
        String unknown = uniqueRepository("errors-unknown");
        for (String reference : List.of(".INVALID_MANIFEST_NAME", "-x", "x".repeat(129), "sha256:zz",
                "sha384:" + "a".repeat(96), "sha256:" + "A".repeat(64), "a:b")) {
            String path = "/v2/" + repository + "/manifests/" + reference;
            assertError(registry.get(path), 404, "MANIFEST_UNKNOWN");
            assertThat(registry.head(path).statusCode()).as("HEAD %s", reference).isEqualTo(404);
            assertError(registry.delete(path), 404, "MANIFEST_UNKNOWN");
            assertError(registry.get("/v2/" + unknown + "/manifests/" + reference), 404, "NAME_UNKNOWN");
        }
        // Only storing under one is refused.
        assertError(registry.putManifest(repository, ".INVALID_MANIFEST_NAME", OCI_MANIFEST, image.bytes()), 400,
                "MANIFEST_INVALID");
        assertError(registry.putManifest(repository, "sha256:zz", OCI_MANIFEST, image.bytes()), 400,
                "DIGEST_INVALID");
        assertThat(registry.get("/v2/" + repository + "/manifests/v1").statusCode()).isEqualTo(200);
    }

    @Test
    void invalidRepositoryNameIs400NameInvalidEverywhere() {
        String digest = image.digest();
        for (String name : List.of("UPPER", "a..b", "-lead", "trail-", "a/", "a//b", "a___b", "x".repeat(256),
                "a%20b", "caf%C3%A9")) {
            String base = "/v2/" + name;
            assertError(registry.get(base + "/tags/list"), 400, "NAME_INVALID");
            assertError(registry.get(base + "/manifests/v1"), 400, "NAME_INVALID");
            assertError(registry.get(base + "/manifests/" + digest), 400, "NAME_INVALID");
            assertError(registry.putManifest(name, "v1", OCI_MANIFEST, image.bytes()), 400, "NAME_INVALID");
            assertError(registry.get(base + "/blobs/" + digest), 400, "NAME_INVALID");
            assertError(registry.delete(base + "/blobs/" + digest), 400, "NAME_INVALID");
            assertError(registry.method("POST", base + "/blobs/uploads/", null), 400, "NAME_INVALID");
            assertError(registry.method("POST", base + "/blobs/uploads/?digest=" + digest, new byte[] {1}),
                    400, "NAME_INVALID");
            assertError(registry.method("POST", base + "/blobs/uploads/?mount=" + digest + "&from=" + repository,
                    null), 400, "NAME_INVALID");
            assertError(registry.get(base + "/referrers/" + digest), 400, "NAME_INVALID");
        }
    }

    @Test
    void invalidRepositoryNameOnAnUploadSessionIs400NameInvalid() {
        String id = upload.substring(upload.lastIndexOf('/') + 1);
        String location = "/v2/UPPER/blobs/uploads/" + id;

        assertError(registry.get(location), 400, "NAME_INVALID");
        assertError(registry.method("PATCH", location, new byte[] {1}), 400, "NAME_INVALID");
        assertError(registry.method("PUT", location + "?digest=" + RegistryClient.sha256(new byte[] {1}),
                new byte[] {1}), 400, "NAME_INVALID");
        assertError(registry.delete(location), 400, "NAME_INVALID");
    }

    @Test
    void unknownRepositoryIs404NameUnknown() {
        String unknown = uniqueRepository("errors-unknown");

        assertError(registry.get("/v2/" + unknown + "/tags/list"), 404, "NAME_UNKNOWN");
        assertError(registry.get("/v2/" + unknown + "/manifests/v1"), 404, "NAME_UNKNOWN");
        assertError(registry.get("/v2/" + unknown + "/manifests/" + image.digest()), 404, "NAME_UNKNOWN");
        assertError(registry.get("/v2/" + unknown + "/blobs/" + image.digest()), 404, "NAME_UNKNOWN");
        assertError(registry.delete("/v2/" + unknown + "/manifests/v1"), 404, "NAME_UNKNOWN");
        assertError(registry.delete("/v2/" + unknown + "/blobs/" + image.digest()), 404, "NAME_UNKNOWN");
    }

    @Test
    void invalidTagIs4xxWithAnOciBody() {
        for (String tag : List.of("-x", ".x", "x".repeat(129), "a%2Bb", "a%3Ab%3Ac")) {
            HttpResponse<String> get = registry.get("/v2/" + repository + "/manifests/" + tag);
            HttpResponse<String> put = registry.putManifest(repository, tag, OCI_MANIFEST, image.bytes());
            for (HttpResponse<String> response : List.of(get, put)) {
                assertThat(response.statusCode()).as("%s %s", response.request().method(), tag).isBetween(400, 404);
                RegistryClient.assertOciErrorBody(response);
            }
        }
        // Pushing under a tag of 129 characters is refused; reading one finds nothing
        // (invalidManifestReferencesAreNotFound).
        assertError(registry.putManifest(repository, "x".repeat(129), OCI_MANIFEST, image.bytes()), 400,
                "MANIFEST_INVALID");
    }

    @Test
    void wrongMethodIs405WithAnOciBody() {
        String blob = "/v2/" + repository + "/blobs/" + image.digest();
        String manifest = "/v2/" + repository + "/manifests/v1";
        List<HttpResponse<String>> responses = List.of(
                registry.method("POST", manifest, new byte[] {1}),
                registry.method("PATCH", manifest, new byte[] {1}),
                registry.method("PUT", blob, new byte[] {1}),
                registry.method("POST", blob, new byte[] {1}),
                registry.method("PATCH", blob, new byte[] {1}),
                registry.method("DELETE", "/v2/" + repository + "/tags/list", null),
                registry.method("PUT", "/v2/" + repository + "/tags/list", new byte[] {1}),
                registry.method("POST", "/v2/" + repository + "/referrers/" + image.digest(), null),
                registry.method("DELETE", "/v2/_catalog", null),
                registry.method("POST", "/v2/", null),
                registry.method("PATCH", "/v2/" + repository + "/blobs/uploads/", new byte[] {1}),
                registry.method("POST", upload, null));
        for (HttpResponse<String> response : responses) {
            assertError(response, 405, "UNSUPPORTED");
        }
    }

    @Test
    void unknownEndpointIs404WithAnOciBody() {
        for (String path : List.of("/v2/" + repository + "/nothing", "/v2/" + repository + "/blobs",
                "/v2/" + repository + "/manifests/", "/v2/" + repository + "/tags/lists",
                "/v2/" + repository + "/blobs/uploads/a/b", "/v2/_catalog/x")) {
            HttpResponse<String> response = registry.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            RegistryClient.assertOciErrorBody(response);
        }
    }

    // ---------------------------------------------------------------- hostile input: 4xx, never 5xx

    private record Case(String description, HttpRequest request) {
    }

    private Case get(String path, String... headers) {
        HttpRequest.Builder builder = registry.request(path).GET();
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return new Case("GET " + path + " " + String.join(" ", headers), builder.build());
    }

    private Case with(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder builder = registry.request(path)
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        String shown = body == null ? "" : new String(body, 0, Math.min(body.length, 60), StandardCharsets.ISO_8859_1);
        return new Case(method + " " + path + " " + String.join(" ", headers) + " " + shown, builder.build());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hostileInputIsAlwaysA4xxWithAnOciBody() {
        String r = "/v2/" + repository;
        String digest = image.digest();
        String blob = r + "/blobs/" + digest;
        String config = new String(RegistryClient.toJson(RegistryClient.descriptor(RegistryClient.OCI_CONFIG,
                digest, 10)), StandardCharsets.UTF_8);
        List<Case> cases = new ArrayList<>();

        // digests
        for (String d : List.of("sha256:", ":abc", "sha256", "sha256::" + "a".repeat(64), "SHA256:" + "a".repeat(64),
                "sha256:" + "a".repeat(65), "sha256:" + "g".repeat(64), "sha384:" + "a".repeat(96),
                "sha256:" + "a".repeat(3000), "a:b", "%3A")) {
            cases.add(get(r + "/blobs/" + d));
            cases.add(get(r + "/manifests/" + d));
            cases.add(get(r + "/referrers/" + d));
            cases.add(with("DELETE", r + "/blobs/" + d, null));
            cases.add(with("POST", r + "/blobs/uploads/?digest=" + d, new byte[] {1}));
            cases.add(with("POST", r + "/blobs/uploads/?mount=" + d + "&from=" + repository, null));
        }
        cases.add(with("POST", r + "/blobs/uploads/?digest=", new byte[] {1}));
        cases.add(with("POST", r + "/blobs/uploads/?digest-algorithm=", null));
        cases.add(with("POST", r + "/blobs/uploads/?digest-algorithm=SHA256", null));
        cases.add(with("POST", r + "/blobs/uploads/?digest=" + digest + "&digest=" + digest, new byte[] {1}));
        cases.add(with("PUT", upload + "?digest=", new byte[] {1}));

        // names and paths
        for (String path : List.of("/v2/%2e%2e/tags/list", "/v2/a%0Ab/tags/list", "/v2//tags/list", "/v2/.../tags/list",
                "/v2/a;b=c/tags/list", "/v2/" + repository + ";x=y/tags/list", "/v2/_repository_/tags/list",
                "/v2/" + "a/".repeat(200) + "a/tags/list", "/v2/" + repository + "/blobs/uploads/%2e%2e")) {
            cases.add(get(path));
        }

        // query parameters
        for (String query : List.of("n=-1", "n=abc", "n=1e3", "last=%00", "last=-bad", "last=a%00b", "n=1%00")) {
            cases.add(get(r + "/tags/list?" + query));
            cases.add(get("/v2/_catalog?" + query));
        }

        // headers
        for (String range : List.of("bytes=99999999999999999999-", "bytes=-99999999999999999999", "bytes=--1",
                "bytes=1-2-3", "bytes=0-0,-1", "bytes=\u00e9", "bytes= 5 - 9 ", "bytes=9223372036854775807-")) {
            cases.add(get(blob, "Range", range));
        }
        for (String contentRange : List.of("0-99999999999999999999", "99999999999999999-99999999999999999",
                "bytes=5-1", "0-0-0", "\u00e9", "-", "0--1")) {
            cases.add(with("PATCH", upload, new byte[] {1}, "Content-Range", contentRange));
        }

        // manifest bodies
        String manifestPath = r + "/manifests/hostile";
        List<byte[]> bodies = new ArrayList<>(List.of(
                new byte[0],
                new byte[] {0, 0, 0},
                new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0x80},
                utf8("\uFEFF{\"schemaVersion\":2}"),
                utf8("[".repeat(100_000) + "]".repeat(100_000)),
                utf8("{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000)),
                utf8("{\"schemaVersion\":99999999999999999999999999999}"),
                utf8("{\"schemaVersion\":2e0,\"mediaType\":\"" + OCI_MANIFEST + "\"}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + config
                        .replace("10", "1e400") + ",\"layers\":[]}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + config
                        .replace("10", "99999999999999999999999") + ",\"layers\":[]}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + config
                        + ",\"layers\":[null]}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + config
                        + ",\"layers\":[],\"subject\":\"x\"}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + config
                        + ",\"layers\":[],\"subject\":{}}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":[],\"layers\":[]}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + config
                        + ",\"layers\":[],\"annotations\":[]}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + config.replace(
                        "\"size\"", "\"platform\":\"x\",\"size\"") + ",\"layers\":[]}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + config.replace(
                        "\"size\"", "\"annotations\":{\"a\":null},\"size\"") + ",\"layers\":[]}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_INDEX + "\",\"manifests\":[{}]}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_INDEX + "\",\"manifests\":{}}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\"} trailing"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\"}{\"x\":1}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"x\":\"\\ud800\"}"),
                utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + config
                        + ",\"layers\":[],\"annotations\":{\"a\":\"\\ud800\"}}")));
        for (byte[] body : bodies) {
            cases.add(with("PUT", manifestPath, body, "Content-Type", OCI_MANIFEST));
        }

        SoftAssertions softly = new SoftAssertions();
        for (Case c : cases) {
            HttpResponse<String> response = registry.send(c.request());
            int status = response.statusCode();
            softly.assertThat(status).as("%s -> %s %s", c.description(), status, response.body()).isBetween(400, 499);
            if (status >= 400 && status < 500 && !"HEAD".equals(c.request().method())) {
                softly.assertThatCode(() -> RegistryClient.assertOciErrorBody(response))
                        .as("%s -> %s %s", c.description(), status, response.body()).doesNotThrowAnyException();
            }
        }
        softly.assertAll();
        // Nothing hostile left anything behind.
        assertError(registry.get(manifestPath), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void hostileInputThatIsNotAnErrorIsHandledCorrectly() {
        // Inputs a careless parser would choke on, but which are valid and must just work.
        String r = "/v2/" + repository;
        HttpResponse<String> tags = registry.get(r + "/tags/list?n=1&last=");
        assertThat(tags.statusCode()).isEqualTo(200);
        HttpResponse<String> unknownParams = registry.get(r + "/tags/list?foo=bar&n=5");
        assertThat(unknownParams.statusCode()).isEqualTo(200);
        assertThat(registry.get(r + "/tags/list?n=").statusCode()).isEqualTo(200);
        assertThat(registry.get("/v2/_catalog?n=").statusCode()).isEqualTo(200);
        // A percent-encoded ':' is the same digest.
        assertThat(registry.get(r + "/referrers/" + image.digest().replace(":", "%3A")).statusCode()).isEqualTo(200);
        assertThat(registry.get(r + "/manifests/" + image.digest().replace(":", "%3A")).statusCode()).isEqualTo(200);
        // Referrers filtered on something that is not a media type: nothing matches.
        HttpResponse<String> filtered = registry.get(r + "/referrers/" + image.digest() + "?artifactType=%00");
        assertThat(filtered.statusCode()).as(filtered.body()).isEqualTo(200);
        assertThat(RegistryClient.json(filtered.body()).get("manifests").size()).isZero();
        assertThat(registry.get(r + "/referrers/" + image.digest() + "?artifactType=" + "x".repeat(3000)).statusCode())
                .isEqualTo(200);
        // Odd Accept and If-None-Match headers are tolerated.
        for (String accept : List.of("", ";;;", OCI_MANIFEST + ";q=abc")) {
            HttpResponse<String> response = registry.send(registry.request(r + "/manifests/v1")
                    .header("Accept", accept).GET().build());
            assertThat(response.statusCode()).as(accept).isEqualTo(200);
        }
        assertThat(registry.send(registry.request(r + "/manifests/v1").header("If-None-Match", "\"unterminated")
                .GET().build()).statusCode()).isEqualTo(200);
        // A Content-Type that names no manifest type is ignored when the body declares its mediaType.
        for (String contentType : List.of("!!!", "a/b/c", ";", "x".repeat(5000))) {
            HttpResponse<String> put = registry.putManifest(repository, "odd", contentType, image.bytes());
            assertThat(put.statusCode()).as(contentType).isEqualTo(201);
            HttpResponse<String> get = registry.get(r + "/manifests/odd");
            assertThat(get.headers().firstValue("Content-Type")).hasValue(OCI_MANIFEST);
        }
        HttpResponse<byte[]> blob = registry.getBytes(r + "/blobs/" + image.digest() + "?foo=bar");
        assertThat(blob.statusCode()).isEqualTo(404); // the manifest is not a blob
        assertError(registry.get(r + "/blobs/" + image.digest()), 404, "BLOB_UNKNOWN");
    }

    @Test
    void annotationsWithNulOrLoneSurrogatesNeverCauseA500() {
        // Valid JSON that PostgreSQL's jsonb cannot hold (\u0000) or that is not valid Unicode (a lone surrogate).
        RegistryClient.Blob config = registry.pushConfig(repository, RegistryClient.OCI_CONFIG);
        String configJson = new String(RegistryClient.toJson(config.descriptor()), StandardCharsets.UTF_8);
        SoftAssertions softly = new SoftAssertions();
        for (String annotations : List.of("{\"a\":\"x\\u0000y\"}", "{\"a\\u0000\":\"b\"}", "{\"a\":\"\\ud800\"}",
                "{\"\\udc00\":\"b\"}")) {
            byte[] body = utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + configJson
                    + ",\"layers\":[],\"annotations\":" + annotations + ",\"subject\":"
                    + new String(RegistryClient.toJson(image.descriptor()), StandardCharsets.UTF_8) + "}");
            HttpResponse<String> put = registry.putManifest(repository, RegistryClient.sha256(body), OCI_MANIFEST, body);
            softly.assertThat(put.statusCode()).as("annotations %s -> %s", annotations, put.body()).isIn(201, 400);
            if (annotations.contains("u0000")) {
                // U+0000 is a valid JSON string character: the spec gives no reason to refuse it.
                softly.assertThat(put.statusCode()).as("annotations %s -> %s", annotations, put.body()).isEqualTo(201);
            }
            if (put.statusCode() == 201) {
                softly.assertThat(registry.getBytes("/v2/" + repository + "/manifests/" + RegistryClient.sha256(body))
                        .body()).as("bytes of %s", annotations).isEqualTo(body);
            } else if (put.statusCode() == 400) {
                softly.assertThatCode(() -> assertError(put, 400, "MANIFEST_INVALID")).doesNotThrowAnyException();
            }
        }
        softly.assertAll();
        HttpResponse<String> referrers = registry.get("/v2/" + repository + "/referrers/" + image.digest());
        assertThat(referrers.statusCode()).as(referrers.body()).isEqualTo(200);
        assertThat(referrers.body()).contains("x\\u0000y");
    }

    @Test
    void nulInAPlatformIsStoredEscapedNeverA500() {
        // PostgreSQL's text refuses U+0000, which a config's os/architecture/variant or an index entry's platform may
        // hold: the push is accepted and the platform recorded with it escaped, as the annotations' JSON has it.
        RegistryClient.Blob config = registry.pushBlob(repository,
                utf8("{\"os\":\"\\u0000\",\"architecture\":\"amd64\",\"variant\":\"v\\u0000\"}"),
                RegistryClient.OCI_CONFIG);
        Manifest manifest = registry.pushManifest(repository, "nul", OCI_MANIFEST,
                RegistryClient.imageManifest(OCI_MANIFEST, config, List.of()));
        assertThat(registry.getBytes("/v2/" + repository + "/manifests/nul").body()).isEqualTo(manifest.bytes());
        assertThat(platforms(manifest.digest())).isEqualTo("\\u0000/amd64/v\\u0000");

        Map<String, Object> entry = new LinkedHashMap<>(manifest.descriptor());
        entry.put("platform", Map.of("os", "li\0nux", "architecture", "\0", "variant", "x"));
        byte[] index = RegistryClient.toJson(Map.of("schemaVersion", 2, "mediaType", RegistryClient.OCI_INDEX,
                "manifests", List.of(entry)));
        Manifest pushed = registry.pushManifest(repository, "nul-index", RegistryClient.OCI_INDEX, index);
        assertThat(registry.getBytes("/v2/" + repository + "/manifests/nul-index").body()).isEqualTo(index);
        assertThat(platforms(pushed.digest())).isEqualTo("li\\u0000nux/\\u0000/x");
    }

    private String platforms(String digest) {
        return jdbc.sql("select m.platforms from manifests m join repositories r on r.id = m.repository_id"
                        + " where r.name = ? and m.digest = ?")
                .param(repository).param(digest).query(String.class).single();
    }

    @Test
    void malformedUrisRejectedByTheServletContainerGetAnOciBody() {
        // Tomcat refuses these before any servlet runs; the design wants the OCI body on every /v2/ error.
        String r = "/v2/" + repository;
        SoftAssertions softly = new SoftAssertions();
        for (String path : List.of("/v2/a%2Fb/tags/list", "/v2/a%00b/tags/list", "/v2/%ff/tags/list",
                r + "/manifests/%00", r + "/manifests/v1%2F..%2Fv2", r + "/blobs/sha256:" + "a".repeat(64) + "%00")) {
            HttpResponse<String> response = registry.get(path);
            softly.assertThat(response.statusCode()).as(path).isBetween(400, 499);
            softly.assertThatCode(() -> RegistryClient.assertOciErrorBody(response))
                    .as("%s -> %s %s", path, response.statusCode(), response.body()).doesNotThrowAnyException();
        }
        softly.assertAll();
    }

    // ---------------------------------------------------------------- raw HTTP: what java.net.http will not send

    /** Sends raw bytes on a socket and returns the status line and everything after it. */
    private String raw(String request) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void rawRequestsWithBrokenFramingAre4xx() throws Exception {
        String host = "Host: localhost:" + port + "\r\nConnection: close\r\n";
        String r = "/v2/" + repository;
        List<String> requests = List.of(
                // a body shorter than its Content-Length, then the connection is half-closed by Connection: close
                "PUT " + r + "/manifests/short HTTP/1.1\r\n" + host + "Content-Type: " + OCI_MANIFEST
                        + "\r\nContent-Length: x\r\n\r\n{}",
                "PATCH " + upload + " HTTP/1.1\r\n" + host + "Content-Length: -5\r\n\r\n",
                "GET " + r + "/blobs/" + image.digest() + " HTTP/1.1\r\n" + host + "Range: bytes=0-1\r\nRange: bytes=2-3\r\n\r\n",
                "GET /v2/a b/tags/list HTTP/1.1\r\n" + host + "\r\n",
                // invalid percent-encoding in the query string, which java.net.URI refuses to send
                "GET /v2/" + repository + "/tags/list?n=%zz HTTP/1.1\r\n" + host + "\r\n",
                "GET /v2/_catalog?last=% HTTP/1.1\r\n" + host + "\r\n",
                "GET " + r + "/referrers/" + image.digest() + "?artifactType=%zz HTTP/1.1\r\n" + host + "\r\n",
                "POST " + r + "/blobs/uploads/?digest=%zz HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n",
                "PUT " + r + "/manifests/" + image.digest() + "?tag=%g1 HTTP/1.1\r\n" + host
                        + "Content-Type: " + OCI_MANIFEST + "\r\nContent-Length: 2\r\n\r\n{}");
        SoftAssertions softly = new SoftAssertions();
        for (String request : requests) {
            String response = raw(request);
            String statusLine = response.lines().findFirst().orElse("");
            softly.assertThat(statusLine).as("%s -> %s", request.lines().findFirst().orElse(""), response)
                    .matches("HTTP/1\\.1 4\\d\\d.*");
        }
        softly.assertAll();
        URI.create(baseUrl()); // the server is still up
        assertThat(registry.get("/v2/").statusCode()).isEqualTo(200);
    }

    @Test
    void connectIsAnsweredLikeAnyOtherMethodAnEndpointLacks() throws Exception {
        // Tomcat answers CONNECT itself, 501, before any servlet: a 5xx says the server is broken. It must get what
        // an unknown method gets from Spring: 405 with Allow on an endpoint, 404 where there is none.
        String r = "/v2/" + repository;
        SoftAssertions softly = new SoftAssertions();
        for (String path : List.of("/v2/", "/v2/_catalog", r + "/tags/list", r + "/manifests/v1",
                r + "/blobs/" + image.digest(), r + "/blobs/uploads/", upload, r + "/referrers/" + image.digest(),
                r + "/nothing")) {
            HttpResponse<String> brew = registry.method("BREW", path, null);
            String connect = raw("CONNECT " + path + " HTTP/1.1\r\nHost: localhost:" + port
                    + "\r\nConnection: close\r\n\r\n");
            softly.assertThat(statusOf(connect)).as("CONNECT %s: %s", path, connect).isEqualTo(brew.statusCode());
            softly.assertThat(allowOf(connect)).as("Allow of CONNECT %s", path)
                    .isEqualTo(brew.headers().firstValue("Allow").map(ErrorsIT::methods).orElse(Set.of()));
            softly.assertThat(bodyOf(connect)).as("CONNECT %s", path).contains("\"code\":\"UNSUPPORTED\"");
        }
        softly.assertAll();
        assertThat(statusOf(raw("CONNECT " + r + "/manifests/v1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")))
                .isEqualTo(405);
    }

    @Test
    void anOverlongRequestLineOrHeaderGetsTheOciBody() {
        // Tomcat refuses these while parsing, before the URI is known (8 KiB by default): 414 and 431, as JSON.
        HttpResponse<String> longLine = registry.get("/v2/" + "a".repeat(9000) + "/tags/list");
        assertThat(longLine.statusCode()).as(longLine.body()).isEqualTo(414);
        RegistryClient.assertOciErrorBody(longLine);
        HttpResponse<String> longHeader = registry.send(registry.request("/v2/" + repository + "/tags/list")
                .header("X-Padding", "a".repeat(9000)).GET().build());
        assertThat(longHeader.statusCode()).as(longHeader.body()).isEqualTo(431);
        RegistryClient.assertOciErrorBody(longHeader);
        assertThat(registry.get("/v2/" + repository + "/tags/list").statusCode()).isEqualTo(200);
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void malformedOrTruncatedBodiesAreTheClientsFaultNotAStorageFailure(CapturedOutput output) throws Exception {
        String r = "/v2/" + repository;
        String host = "Host: localhost:" + port + "\r\nConnection: close\r\n";
        String chunked = "Transfer-Encoding: chunked\r\n\r\n5\r\nhello" + "ZZ\r\n";
        // A blob stored already takes a path of its own: its bytes are only verified, not written.
        String stored = registry.pushConfig(repository, RegistryClient.OCI_CONFIG).digest();
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("PATCH " + upload + " HTTP/1.1\r\n" + host + chunked, "BLOB_UPLOAD_INVALID");
        requests.put("PUT " + registry.startUpload(repository) + "?digest=" + RegistryClient.unknownDigest()
                + " HTTP/1.1\r\n" + host + chunked, "BLOB_UPLOAD_INVALID");
        requests.put("POST " + r + "/blobs/uploads/?digest=" + RegistryClient.unknownDigest() + " HTTP/1.1\r\n" + host
                + chunked, "BLOB_UPLOAD_INVALID");
        requests.put("POST " + r + "/blobs/uploads/?digest=" + stored + " HTTP/1.1\r\n" + host + chunked,
                "BLOB_UPLOAD_INVALID");
        requests.put("PUT " + r + "/manifests/chunked HTTP/1.1\r\n" + host + "Content-Type: " + OCI_MANIFEST + "\r\n"
                + chunked, "MANIFEST_INVALID");
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, String> request : requests.entrySet()) {
            String response = raw(request.getKey());
            String line = request.getKey().lines().findFirst().orElse("");
            softly.assertThat(statusOf(response)).as("%s -> %s", line, response).isEqualTo(400);
            softly.assertThat(bodyOf(response)).as(line).contains("\"code\":\"" + request.getValue() + "\"");
        }

        // Cut off: 10 of 100 bytes, then the client stops sending. What arrived is kept, and the upload resumes there.
        String cut = registry.startUpload(repository);
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + cut + " HTTP/1.1\r\n" + host + "Content-Length: 100\r\n\r\n0123456789")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            softly.assertThat(statusOf(response)).as(response).isEqualTo(400);
            softly.assertThat(bodyOf(response)).as(response).contains("\"code\":\"BLOB_UPLOAD_INVALID\"");
        }
        softly.assertAll();
        HttpResponse<String> status = registry.send(registry.requestLocation(cut).GET().build());
        assertThat(status.headers().firstValue("Range")).hasValue("0-9");

        assertThat(output.getOut() + output.getErr()).doesNotContain(" ERROR ").doesNotContain("Storage I/O failed");
    }

    private static int statusOf(String response) {
        String[] line = response.lines().findFirst().orElse("").split(" ");
        return line.length > 1 ? Integer.parseInt(line[1]) : -1;
    }

    private static Set<String> allowOf(String response) {
        return response.lines().takeWhile(line -> !line.isEmpty())
                .filter(line -> line.regionMatches(true, 0, "Allow:", 0, 6))
                .map(line -> methods(line.substring(6))).findFirst().orElse(Set.of());
    }

    private static Set<String> methods(String allow) {
        return java.util.Arrays.stream(allow.split(",")).map(String::trim).filter(m -> !m.isEmpty())
                .collect(java.util.stream.Collectors.toSet());
    }

    private static String bodyOf(String response) {
        int end = response.indexOf("\r\n\r\n");
        return end < 0 ? "" : response.substring(end + 4);
    }
}
