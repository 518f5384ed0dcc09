package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every class of admin API error, over HTTP, is an RFC 9457 problem detail with the stable code in {@code error}:
 * those of the authentication filter, of the body limit, of Spring MVC before the controller runs (405, 406, 415,
 * malformed JSON, type mismatches), of Bean Validation (with the fields at fault) and of the services. None is a 500.
 */
@TokenAuth
class AdminProblemDetailsIT extends AdminApiTestBase {

    /** The largest body the admin API reads, as docs/admin-api.md states it: 1 MiB. */
    private static final int BODY_LIMIT = 1024 * 1024;

    @Test
    void authenticationFailuresAreProblems() throws Exception {
        JsonNode missing = assertError(get("/api/v1/users", null), 401, "unauthorized");
        assertThat(missing.get("title").asString()).isEqualTo("Unauthorized");
        assertError(get("/api/v1/users", "Bearer not.a.token"), 401, "unauthorized");
        assertError(get("/api/v1/nothing-here", null), 401, "unauthorized");
    }

    @Test
    void refusalsOfTheServicesAreProblems() throws Exception {
        String user = newUser("pw", false);
        assertError(get("/api/v1/users", basic(user, "pw")), 403, "forbidden");
        assertError(get("/api/v1/users/" + unique("nobody"), ADMIN), 404, "not_found");
        JsonNode taken = assertError(call("POST", "/api/v1/users", ADMIN, Map.of("username", user, "password", "x")),
                409, "name_taken");
        assertThat(taken.get("title").asString()).isEqualTo("Conflict");
        assertError(call("POST", "/api/v1/users", ADMIN, Map.of("username", "Not Valid", "password", "x")), 400,
                "invalid_request");
    }

    @Test
    void unknownEndpointsAndMethodsAreProblems() throws Exception {
        assertError(get("/api/v1/nothing-here", ADMIN), 404, "not_found");
        HttpResponse<String> put = call("PUT", "/api/v1/users", ADMIN, Map.of());
        assertError(put, 405, "method_not_allowed");
        assertThat(put.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("POST"));
    }

    @Test
    void queryParametersOutOfBoundsListTheParameter() throws Exception {
        for (String path : List.of("/api/v1/audit?n=0", "/api/v1/audit?n=1001", "/api/v1/gc/runs?n=-1",
                "/api/v1/storage?n=1001", "/api/v1/storage?n=-1")) {
            assertThat(fields(assertError(get(path, ADMIN), 400, "invalid_request"))).as(path).containsExactly("n");
        }
        JsonNode before = assertError(get("/api/v1/audit?before=-5", ADMIN), 400, "invalid_request");
        assertThat(fields(before)).containsExactly("before");
        assertThat(before.get("errors").get(0).get("message").asString()).isEqualTo("must be greater than 0");
        JsonNode tooLarge = assertError(get("/api/v1/audit?n=1001", ADMIN), 400, "invalid_request");
        assertThat(tooLarge.get("errors").get(0).get("message").asString())
                .isEqualTo("must be less than or equal to 1000");
        assertThat(tooLarge.get("detail").asString()).contains("n must be less than or equal to 1000");
        // The bounds themselves are fine, and so is no value (the default) or an empty one.
        for (String path : List.of("/api/v1/audit?n=1", "/api/v1/audit?n=1000", "/api/v1/audit?n=",
                "/api/v1/storage?n=0", "/api/v1/storage?n=1000", "/api/v1/gc/runs")) {
            HttpResponse<String> response = get(path, ADMIN);
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        }
    }

    @Test
    void parametersOfTheWrongTypeListTheParameter() throws Exception {
        for (String query : List.of("n=ten", "n=1.5", "before=x", "n=99999999999")) {
            JsonNode problem = assertError(get("/api/v1/audit?" + query, ADMIN), 400, "invalid_request");
            assertThat(fields(problem)).as(query).containsExactly(query.substring(0, query.indexOf('=')));
            assertThat(problem.get("errors").get(0).get("message").asString()).as(query)
                    .isEqualTo(query.endsWith("999") ? "is out of range" : "must be an integer");
        }
    }

    @Test
    void invalidBodiesListTheFieldsAtFault() throws Exception {
        JsonNode user = assertError(call("POST", "/api/v1/users", ADMIN, Map.of("admin", true)), 400,
                "invalid_request");
        assertThat(fields(user)).containsExactlyInAnyOrder("username", "password");
        assertThat(user.get("errors").get(0).get("message").asString()).isEqualTo("must not be null");

        JsonNode robot = assertError(call("POST", "/api/v1/robots", ADMIN,
                "{\"name\":\"" + unique("r") + "\",\"permissions\":[null,{\"repository\":\"x/*\"}]}"), 400,
                "invalid_request");
        assertThat(fields(robot)).containsExactlyInAnyOrder("permissions[0]", "permissions[1].actions");

        JsonNode policy = assertError(call("POST", "/api/v1/policies", ADMIN, Map.of("user", TokenAuth.ADMIN)), 400,
                "invalid_request");
        assertThat(fields(policy)).containsExactlyInAnyOrder("repository", "actions");
    }

    @Test
    void malformedOrMissingBodiesAreProblems() throws Exception {
        assertError(call("POST", "/api/v1/users", ADMIN, "{\"username\":"), 400, "invalid_request");
        assertError(call("POST", "/api/v1/users", ADMIN, "[1, 2]"), 400, "invalid_request");
        assertError(call("PATCH", "/api/v1/users/" + TokenAuth.ADMIN, ADMIN, "{\"admin\": \"maybe\"}"), 400,
                "invalid_request");
        JsonNode unknown = assertError(call("PATCH", "/api/v1/robots/x", ADMIN, "{\"disabld\": true}"), 400,
                "invalid_request");
        assertThat(unknown.get("detail").asString()).contains("disabld");
        HttpResponse<String> empty = send(request("/api/v1/users").header("Authorization", ADMIN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertError(empty, 400, "invalid_request");
    }

    @Test
    void wrongMediaTypesAreProblems() throws Exception {
        String body = JSON.writeValueAsString(Map.of("username", unique("u"), "password", "pw"));
        // Bodies are JSON only, whatever other converters the classpath brings (XML in the tests, YAML in the jar).
        for (String type : List.of("application/xml", "application/yaml", "text/plain", "image/png", "json")) {
            HttpResponse<String> response = send(request("/api/v1/users").header("Authorization", ADMIN)
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertError(response, 415, "unsupported_media_type");
        }
        HttpResponse<String> html = send(request("/api/v1/users").header("Authorization", ADMIN)
                .header("Accept", "text/html").GET().build());
        assertError(html, 406, "not_acceptable");
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        // Only the headers are sent: the answer must come without the body, which a raw socket allows.
        String response = raw("POST /api/v1/users HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: "
                + ADMIN + "\r\nContent-Type: application/json\r\nContent-Length: "
                + (BODY_LIMIT + 1) + "\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 413 ");
        assertThat(response).containsIgnoringCase("Content-Type: application/problem+json")
                .contains("\"error\":\"content_too_large\"").contains("\"instance\":\"/api/v1/users\"");
    }

    @Test
    void aChunkedBodyGrowingOverTheLimitIsCutOff() throws Exception {
        String name = unique("huge");
        // Whitespace between the members is valid JSON: the body's size alone decides.
        HttpResponse<String> response = postChunked(name, BODY_LIMIT);

        assertError(response, 413, "content_too_large");
        assertError(get("/api/v1/users/" + name, ADMIN), 404, "not_found");
        // Just under the limit is read as usual.
        HttpResponse<String> created = postChunked(name, BODY_LIMIT - 1000);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    /** Creates a user with a chunked body padded to {@code padding} bytes and more. */
    private HttpResponse<String> postChunked(String username, int padding) throws Exception {
        byte[] body = ("{\"username\":\"" + username + "\"," + " ".repeat(padding) + "\"password\":\"pw\"}")
                .getBytes(StandardCharsets.UTF_8);
        // A publisher of unknown length: HTTP/1.1 chunked, no Content-Length to refuse up front.
        return send(request("/api/v1/users").header("Authorization", ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
    }

    /** The {@code field} of each entry of the problem's {@code errors}. */
    private static List<String> fields(JsonNode problem) {
        List<String> fields = new ArrayList<>();
        assertThat(problem.get("errors").isArray()).as(problem.toString()).isTrue();
        problem.get("errors").forEach(error -> {
            assertThat(error.get("message").asString()).isNotBlank();
            fields.add(error.get("field").asString());
        });
        return fields;
    }

    /** Sends raw bytes on a socket and returns the status line and everything after it. */
    private String raw(String request) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // No body follows: Tomcat, reading what is left of it once the answer is out, meets the end at once.
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
