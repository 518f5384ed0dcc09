package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

@TokenAuth
class RobotAdminIT extends AdminApiTestBase {

    @Test
    void aRobotGetsTokensForItsPermissionsOnly() throws Exception {
        String name = unique("ci");
        String namespace = unique("ci");
        Instant expiresAt = Instant.now().plus(Duration.ofDays(400)).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> created = call("POST", "/api/v1/robots", ADMIN, Map.of(
                "name", name, "description", "CI pipeline",
                "permissions", List.of(Map.of("repository", namespace + "/*", "actions", List.of("pull", "push"))),
                "expiresAt", expiresAt.toString()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/robots/" + name);
        assertThat(created.headers().firstValue("Cache-Control")).hasValueSatisfying(
                v -> assertThat(v).contains("no-store"));
        JsonNode robot = json(created);
        assertThat(robot.get("name").asString()).isEqualTo(name);
        assertThat(robot.get("username").asString()).isEqualTo("robot+" + name);
        assertThat(robot.get("description").asString()).isEqualTo("CI pipeline");
        assertThat(Instant.parse(robot.get("expiresAt").asString())).isEqualTo(expiresAt);
        assertThat(robot.get("createdBy").asString()).isEqualTo(TokenAuth.ADMIN);
        assertThat(robot.get("permissions").get(0).get("repository").asString()).isEqualTo(namespace + "/*");
        assertThat(robot.get("permissions").get(0).get("actions").valueStream().map(JsonNode::asString))
                .containsExactly("pull", "push");
        String secret = robot.get("secret").asString();
        assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
        String credentials = basic("robot+" + name, secret);

        assertThat(grantedScope(credentials, "repository:" + namespace + "/x:push"))
                .isEqualTo("repository:" + namespace + "/x:push");
        assertThat(grantedScope(credentials, "repository:" + namespace + "/x:pull,push,delete"))
                .isEqualTo("repository:" + namespace + "/x:pull,push");
        assertThat(grantedScope(credentials, "repository:other/x:pull,push")).isEmpty();
        pushImage(namespace + "/app", "latest", credentials);

        // Shown once: neither the list nor the robot itself carries the secret again.
        HttpResponse<String> one = get("/api/v1/robots/" + name, ADMIN);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).doesNotContain(secret).doesNotContain("secret");
        JsonNode shown = json(one);
        assertThat(shown.get("disabled").asBoolean()).isFalse();
        assertThat(shown.get("expired").asBoolean()).isFalse();
        assertThat(shown.get("lastUsedAt").isNull()).isFalse();
        assertThat(shown.get("permissions").size()).isEqualTo(1);
        HttpResponse<String> list = get("/api/v1/robots", ADMIN);
        assertThat(list.body()).doesNotContain(secret);
        assertThat(json(list).valueStream().map(r -> r.get("name").asString()).toList()).contains(name);
        assertThat(get("/api/v1/audit?n=1000", ADMIN).body()).doesNotContain(secret);

        assertError(call("POST", "/api/v1/robots", ADMIN, Map.of("name", name,
                "permissions", List.of(Map.of("repository", "x/*", "actions", List.of("pull"))))), 409, "name_taken");
    }

    @Test
    void disabledRobotGetsNoTokenUntilEnabledAgain() throws Exception {
        String name = unique("bot");
        String credentials = basic("robot+" + name, createRobot(name, null));
        assertThat(tokenResponse(credentials, "repository:" + name + "/a:pull").statusCode()).isEqualTo(200);

        JsonNode disabled = json(call("PATCH", "/api/v1/robots/" + name, ADMIN, Map.of("disabled", true)));
        assertThat(disabled.get("disabled").asBoolean()).isTrue();
        assertThat(tokenResponse(credentials, "repository:" + name + "/a:pull").statusCode()).isEqualTo(401);
        assertThat(send(request("/v2/").header("Authorization", credentials).GET().build()).statusCode())
                .isEqualTo(401);

        assertThat(call("PATCH", "/api/v1/robots/" + name, ADMIN, Map.of("disabled", false)).statusCode())
                .isEqualTo(200);
        assertThat(tokenResponse(credentials, "repository:" + name + "/a:pull").statusCode()).isEqualTo(200);

        assertError(call("PATCH", "/api/v1/robots/" + name, ADMIN, Map.of()), 400, "invalid_request");
        assertError(call("PATCH", "/api/v1/robots/" + unique("none"), ADMIN, Map.of("disabled", true)),
                404, "not_found");
        JsonNode events = json(get("/api/v1/audit?action=robot.update&n=1000", ADMIN)).get("events");
        assertThat(events.valueStream().filter(e -> e.get("target").asString().equals(name))
                .map(e -> e.get("detail").asString()).toList())
                .containsExactly("{\"disabled\":false}", "{\"disabled\":true}");
    }

    @Test
    void expiredRobotGetsNoToken() throws Exception {
        String name = unique("short");
        Instant expiresAt = Instant.now().plusSeconds(2);
        String credentials = basic("robot+" + name, createRobot(name, expiresAt));
        // Not signed in before it expires: a successful sign-in is remembered for a while.
        while (!Instant.now().isAfter(expiresAt.plusMillis(200))) {
            Thread.sleep(100);
        }
        assertThat(tokenResponse(credentials, "repository:" + name + "/a:pull").statusCode()).isEqualTo(401);
        assertThat(json(get("/api/v1/robots/" + name, ADMIN)).get("expired").asBoolean()).isTrue();
    }

    @Test
    void deletingARobotEndsItsSecret() throws Exception {
        String name = unique("temp");
        String credentials = basic("robot+" + name, createRobot(name, null));
        assertThat(tokenResponse(credentials, "repository:" + name + "/a:pull").statusCode()).isEqualTo(200);

        assertThat(call("DELETE", "/api/v1/robots/" + name, ADMIN, null).statusCode()).isEqualTo(204);
        assertThat(tokenResponse(credentials, "repository:" + name + "/a:pull").statusCode()).isEqualTo(401);
        assertError(get("/api/v1/robots/" + name, ADMIN), 404, "not_found");
        assertError(call("DELETE", "/api/v1/robots/" + name, ADMIN, null), 404, "not_found");
        // Its permissions went with it.
        assertThat(json(get("/api/v1/policies?robot=" + name, ADMIN)).size()).isZero();

        List<String> actions = json(get("/api/v1/audit?actor=" + TokenAuth.ADMIN + "&n=1000", ADMIN)).get("events")
                .valueStream().filter(e -> e.get("target").asString().equals(name))
                .map(e -> e.get("action").asString()).toList();
        assertThat(actions).containsExactly("robot.delete", "robot.create");
    }

    @Test
    void invalidRobotsAre400() throws Exception {
        List<Map<String, Object>> ok = List.of(Map.of("repository", "x/*", "actions", List.of("pull")));
        assertError(call("POST", "/api/v1/robots", ADMIN, Map.of("name", "Bad Name", "permissions", ok)),
                400, "invalid_request");
        assertError(call("POST", "/api/v1/robots", ADMIN, Map.of("name", unique("r"))), 400, "invalid_request");
        assertError(call("POST", "/api/v1/robots", ADMIN, Map.of("name", unique("r"), "permissions", List.of())),
                400, "invalid_request");
        assertError(call("POST", "/api/v1/robots", ADMIN, Map.of("name", unique("r"), "permissions",
                List.of(Map.of("repository", "Bad Pattern", "actions", List.of("pull"))))), 400, "invalid_request");
        assertError(call("POST", "/api/v1/robots", ADMIN, Map.of("name", unique("r"), "permissions",
                List.of(Map.of("repository", "x/*", "actions", List.of("pull", "admin"))))), 400, "invalid_request");
        assertError(call("POST", "/api/v1/robots", ADMIN, Map.of("name", unique("r"), "permissions",
                List.of(Map.of("repository", "x/*")))), 400, "invalid_request");
        assertError(call("POST", "/api/v1/robots", ADMIN, Map.of("name", unique("r"), "permissions", ok,
                "expiresAt", "2001-01-01T00:00:00Z")), 400, "invalid_request");
        assertError(call("POST", "/api/v1/robots", ADMIN, Map.of("name", unique("r"), "permissions", ok,
                "expiresAt", "tomorrow")), 400, "invalid_request");
        assertError(call("POST", "/api/v1/robots", ADMIN, "{\"name\":\"r\",\"permissions\":[null]}"),
                400, "invalid_request");
    }

    @Test
    void robotsAreForAdministratorsOnly() throws Exception {
        String user = newUser("pw", false);
        String credentials = basic(user, "pw");
        assertError(get("/api/v1/robots", credentials), 403, "forbidden");
        assertError(call("POST", "/api/v1/robots", credentials, Map.of("name", unique("r"),
                "permissions", List.of(Map.of("repository", user + "/*", "actions", List.of("pull"))))),
                403, "forbidden");
        String robot = unique("r");
        createRobot(robot, null);
        assertError(get("/api/v1/robots/" + robot, credentials), 403, "forbidden");
        assertError(call("PATCH", "/api/v1/robots/" + robot, credentials, Map.of("disabled", true)), 403, "forbidden");
        assertError(call("DELETE", "/api/v1/robots/" + robot, credentials, null), 403, "forbidden");
    }

    /** A robot with pull and push on {@code <name>/*}; its secret. */
    private String createRobot(String name, Instant expiresAt) throws Exception {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name,
                "permissions", List.of(Map.of("repository", name + "/*", "actions", List.of("pull", "push")))));
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt.toString());
        }
        HttpResponse<String> created = call("POST", "/api/v1/robots", ADMIN, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get("secret").asString();
    }
}
