package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

@TokenAuth
class PolicyAdminIT extends AdminApiTestBase {

    @Test
    void aPolicyGrantsAUserAccessUntilItIsDeleted() throws Exception {
        String user = newUser("pw", false);
        String credentials = basic(user, "pw");
        String team = unique("team");
        String scope = "repository:" + team + "/app:pull,push";
        // Signed in (and so cached) before the policy exists: the change must still show at once.
        assertThat(grantedScope(credentials, scope)).isEmpty();
        String token = token(credentials);
        assertThat(get("/api/v1/users/" + user, bearer(token)).statusCode()).isEqualTo(200);

        HttpResponse<String> created = call("POST", "/api/v1/policies", ADMIN,
                Map.of("repository", team + "/*", "user", user, "actions", List.of("pull", "push")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode policy = json(created);
        long id = policy.get("id").asLong();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/policies/" + id);
        assertThat(policy.get("repository").asString()).isEqualTo(team + "/*");
        assertThat(policy.get("user").asString()).isEqualTo(user);
        assertThat(policy.has("robot")).isFalse();
        assertThat(policy.get("actions").valueStream().map(JsonNode::asString)).containsExactly("pull", "push");
        assertThat(policy.get("createdBy").asString()).isEqualTo(TokenAuth.ADMIN);

        assertThat(grantedScope(credentials, scope)).isEqualTo(scope);
        assertThat(grantedScope(credentials, "repository:" + team + "x/app:pull")).isEmpty();
        assertThat(json(get("/api/v1/policies", ADMIN)).valueStream().map(p -> p.get("id").asLong()).toList())
                .contains(id);
        assertThat(json(get("/api/v1/policies?user=" + user, ADMIN)).valueStream()
                .map(p -> p.get("id").asLong()).toList()).containsExactly(id);

        assertThat(call("DELETE", "/api/v1/policies/" + id, ADMIN, null).statusCode()).isEqualTo(204);
        assertThat(grantedScope(credentials, scope)).isEmpty();
        assertThat(json(get("/api/v1/policies?user=" + user, ADMIN)).size()).isZero();
        assertError(call("DELETE", "/api/v1/policies/" + id, ADMIN, null), 404, "not_found");

        String detail = "{\"id\":" + id + ",\"repository\":\"" + team + "/*\",\"actions\":[\"pull\",\"push\"]}";
        JsonNode events = json(get("/api/v1/audit?n=1000&actor=" + TokenAuth.ADMIN, ADMIN)).get("events");
        assertThat(events.valueStream().filter(e -> e.get("target").asString().equals(user)
                        && e.get("action").asString().startsWith("policy."))
                .map(e -> e.get("action").asString() + " " + e.get("detail").asString()).toList())
                .containsExactly("policy.delete " + detail, "policy.create " + detail);
    }

    @Test
    void aPolicyAddsToARobotsPermissions() throws Exception {
        String robot = unique("bot");
        HttpResponse<String> created = call("POST", "/api/v1/robots", ADMIN, Map.of("name", robot,
                "permissions", List.of(Map.of("repository", robot + "/*", "actions", List.of("pull")))));
        String credentials = basic("robot+" + robot, json(created).get("secret").asString());
        String shared = unique("shared") + "/lib";
        assertThat(grantedScope(credentials, "repository:" + shared + ":pull")).isEmpty();

        HttpResponse<String> policy = call("POST", "/api/v1/policies", ADMIN,
                Map.of("repository", shared, "robot", robot, "actions", List.of("*")));
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(201);
        assertThat(json(policy).get("robot").asString()).isEqualTo(robot);
        assertThat(json(policy).get("actions").valueStream().map(JsonNode::asString))
                .containsExactly("pull", "push", "delete");
        assertThat(grantedScope(credentials, "repository:" + shared + ":pull,push,delete"))
                .isEqualTo("repository:" + shared + ":pull,push,delete");
        assertThat(json(get("/api/v1/robots/" + robot, ADMIN)).get("permissions").size()).isEqualTo(2);
        assertThat(json(get("/api/v1/policies?robot=" + robot, ADMIN)).size()).isEqualTo(2);
    }

    @Test
    void invalidPoliciesAre400AndUnknownAccounts404() throws Exception {
        String user = newUser("pw", false);
        assertError(call("POST", "/api/v1/policies", ADMIN,
                Map.of("repository", "a/*", "actions", List.of("pull"))), 400, "invalid_request");
        assertError(call("POST", "/api/v1/policies", ADMIN,
                Map.of("repository", "a/*", "user", user, "robot", "x", "actions", List.of("pull"))),
                400, "invalid_request");
        assertError(call("POST", "/api/v1/policies", ADMIN,
                Map.of("repository", "A B", "user", user, "actions", List.of("pull"))), 400, "invalid_request");
        assertError(call("POST", "/api/v1/policies", ADMIN,
                Map.of("user", user, "actions", List.of("pull"))), 400, "invalid_request");
        assertError(call("POST", "/api/v1/policies", ADMIN,
                Map.of("repository", "a/*", "user", user, "actions", List.of("pull", "own"))), 400, "invalid_request");
        assertError(call("POST", "/api/v1/policies", ADMIN,
                Map.of("repository", "a/*", "user", user, "actions", List.of())), 400, "invalid_request");
        assertError(call("POST", "/api/v1/policies", ADMIN,
                Map.of("repository", "a/*", "user", user, "action", List.of("pull"))), 400, "invalid_request");
        assertError(call("DELETE", "/api/v1/policies/abc", ADMIN, null), 400, "invalid_request");
        assertError(get("/api/v1/policies?user=a&robot=b", ADMIN), 400, "invalid_request");
        assertError(call("POST", "/api/v1/policies", ADMIN,
                Map.of("repository", "a/*", "user", unique("nobody"), "actions", List.of("pull"))), 404, "not_found");
        assertError(call("POST", "/api/v1/policies", ADMIN,
                Map.of("repository", "a/*", "robot", unique("nobody"), "actions", List.of("pull"))), 404, "not_found");
        assertThat(json(get("/api/v1/policies?user=" + user, ADMIN)).size()).isZero();
    }

    @Test
    void policiesAreForAdministratorsOnly() throws Exception {
        String user = newUser("pw", false);
        String credentials = basic(user, "pw");
        assertError(get("/api/v1/policies", credentials), 403, "forbidden");
        assertError(call("POST", "/api/v1/policies", credentials,
                Map.of("repository", "*", "user", user, "actions", List.of("push"))), 403, "forbidden");
        assertError(call("DELETE", "/api/v1/policies/1", credentials, null), 403, "forbidden");
        assertThat(grantedScope(credentials, "repository:someone/app:push")).isEmpty();
    }
}
