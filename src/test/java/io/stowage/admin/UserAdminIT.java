package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

@TokenAuth
class UserAdminIT extends AdminApiTestBase {

    @Test
    void adminCreatesListsAndGetsUsersWithoutPasswordHashes() throws Exception {
        String name = unique("u");
        HttpResponse<String> created = call("POST", "/api/v1/users", ADMIN,
                Map.of("username", name, "password", "first-pw"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/users/" + name);
        assertThat(json(created).get("admin").asBoolean()).isFalse();
        assertThat(json(created).get("disabled").asBoolean()).isFalse();

        HttpResponse<String> list = get("/api/v1/users", ADMIN);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain("password").doesNotContain("$2a$").doesNotContain("{bcrypt}");
        assertThat(json(list).valueStream().map(u -> u.get("username").asString()).toList())
                .contains(TokenAuth.ADMIN, name);
        assertThat(json(get("/api/v1/users/" + name, ADMIN)).get("username").asString()).isEqualTo(name);

        // The new user signs in at once (a failed look-up a moment earlier is not remembered).
        assertThat(tokenResponse(basic(name, "first-pw")).statusCode()).isEqualTo(200);
        assertError(call("POST", "/api/v1/users", ADMIN, Map.of("username", name, "password", "other")),
                409, "name_taken");
    }

    @Test
    void invalidUsersAre400() throws Exception {
        assertError(call("POST", "/api/v1/users", ADMIN, Map.of("username", "Not Valid", "password", "pw")),
                400, "invalid_request");
        assertError(call("POST", "/api/v1/users", ADMIN, Map.of("username", "robot+x", "password", "pw")),
                400, "invalid_request");
        assertError(call("POST", "/api/v1/users", ADMIN, Map.of("username", unique("u"), "password", "")),
                400, "invalid_request");
        assertError(call("POST", "/api/v1/users", ADMIN, Map.of("username", unique("u"))), 400, "invalid_request");
        assertError(call("POST", "/api/v1/users", ADMIN,
                Map.of("username", unique("u"), "password", "pw", "isAdmin", true)), 400, "invalid_request");
        assertError(call("POST", "/api/v1/users", ADMIN, "{\"username\": 12"), 400, "invalid_request");
        assertError(call("PATCH", "/api/v1/users/" + TokenAuth.ADMIN, ADMIN, Map.of()), 400, "invalid_request");
        assertError(call("PATCH", "/api/v1/users/" + unique("nobody"), ADMIN, Map.of("disabled", true)),
                404, "not_found");
        assertError(call("DELETE", "/api/v1/users/" + unique("nobody"), ADMIN, null), 404, "not_found");
        assertError(get("/api/v1/users/" + unique("nobody"), ADMIN), 404, "not_found");
    }

    @Test
    void passwordChangeDisableAndPromotionTakeEffectAtOnce() throws Exception {
        String name = newUser("old-pw", false);
        String offline = json(send(request("/auth/token?service=stowage&offline_token=true")
                .header("Authorization", basic(name, "old-pw")).GET().build())).get("refresh_token").asString();

        HttpResponse<String> changed = call("PATCH", "/api/v1/users/" + name, ADMIN, Map.of("password", "new-pw"));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(tokenResponse(basic(name, "old-pw")).statusCode()).isEqualTo(401);
        assertThat(tokenResponse(basic(name, "new-pw")).statusCode()).isEqualTo(200);
        // A new password signs the user out of their refresh tokens too.
        assertThat(refresh(offline).statusCode()).isEqualTo(401);

        String credentials = basic(name, "new-pw");
        assertError(get("/api/v1/users", credentials), 403, "forbidden");
        assertThat(json(call("PATCH", "/api/v1/users/" + name, ADMIN, Map.of("admin", true))).get("admin")
                .asBoolean()).isTrue();
        assertThat(get("/api/v1/users", credentials).statusCode()).isEqualTo(200);

        JsonNode disabled = json(call("PATCH", "/api/v1/users/" + name, ADMIN, Map.of("disabled", true)));
        assertThat(disabled.get("disabled").asBoolean()).isTrue();
        assertThat(tokenResponse(credentials).statusCode()).isEqualTo(401);
        assertError(get("/api/v1/users", credentials), 401, "unauthorized");
        call("PATCH", "/api/v1/users/" + name, ADMIN, Map.of("disabled", false));
        assertThat(tokenResponse(credentials).statusCode()).isEqualTo(200);

        JsonNode events = json(get("/api/v1/audit?action=user.update&n=1000", ADMIN)).get("events");
        assertThat(events.valueStream().filter(e -> e.get("target").asString().equals(name))
                .map(e -> e.get("detail").asString()).toList()).containsExactly(
                "{\"disabled\":false}", "{\"disabled\":true}", "{\"admin\":true}", "{\"password\":\"changed\"}");
        assertThat(get("/api/v1/audit?n=1000", ADMIN).body()).doesNotContain("new-pw").doesNotContain("old-pw");
    }

    @Test
    void aUserChangesTheirOwnPasswordButNothingElse() throws Exception {
        String name = newUser("mine-1", false);
        String other = newUser("theirs", false);
        String credentials = basic(name, "mine-1");

        HttpResponse<String> own = call("PATCH", "/api/v1/users/" + name, credentials, Map.of("password", "mine-2"));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        credentials = basic(name, "mine-2");
        assertThat(json(get("/api/v1/users/" + name, credentials)).get("username").asString()).isEqualTo(name);

        assertError(call("PATCH", "/api/v1/users/" + name, credentials, Map.of("admin", true)), 403, "forbidden");
        assertError(call("PATCH", "/api/v1/users/" + name, credentials, Map.of("password", "x", "disabled", false)),
                403, "forbidden");
        assertError(call("PATCH", "/api/v1/users/" + other, credentials, Map.of("password", "hijacked")),
                403, "forbidden");
        assertError(get("/api/v1/users/" + other, credentials), 403, "forbidden");
        assertError(call("POST", "/api/v1/users", credentials, Map.of("username", unique("u"), "password", "p")),
                403, "forbidden");
        assertError(call("DELETE", "/api/v1/users/" + other, credentials, null), 403, "forbidden");
        assertThat(tokenResponse(basic(other, "theirs")).statusCode()).isEqualTo(200);
    }

    @Test
    void anAdministratorCannotDeleteDemoteOrDisableThemselves() throws Exception {
        String admin = newUser("admin-pw", true);
        String credentials = basic(admin, "admin-pw");

        assertError(call("DELETE", "/api/v1/users/" + admin, credentials, null), 409, "conflict");
        assertError(call("PATCH", "/api/v1/users/" + admin, credentials, Map.of("admin", false)), 409, "conflict");
        assertError(call("PATCH", "/api/v1/users/" + admin, credentials, Map.of("disabled", true)), 409, "conflict");
        assertThat(call("PATCH", "/api/v1/users/" + admin, credentials, Map.of("password", "admin-pw-2"))
                .statusCode()).isEqualTo(200);
        assertThat(json(get("/api/v1/users/" + admin, ADMIN)).get("admin").asBoolean()).isTrue();

        // Another administrator may.
        assertThat(call("DELETE", "/api/v1/users/" + admin, ADMIN, null).statusCode()).isEqualTo(204);
    }

    @Test
    void deletingAUserEndsTheirSignInsAndTokens() throws Exception {
        String name = newUser("gone-pw", false);
        String token = token(basic(name, "gone-pw"));
        assertThat(get("/api/v1/users/" + name, bearer(token)).statusCode()).isEqualTo(200);

        HttpResponse<String> deleted = call("DELETE", "/api/v1/users/" + name, ADMIN, null);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();

        assertThat(tokenResponse(basic(name, "gone-pw")).statusCode()).isEqualTo(401);
        assertError(get("/api/v1/users/" + name, bearer(token)), 401, "unauthorized");
        assertError(get("/api/v1/users/" + name, ADMIN), 404, "not_found");
        assertError(call("DELETE", "/api/v1/users/" + name, ADMIN, null), 404, "not_found");

        JsonNode events = json(get("/api/v1/audit?action=user.delete&n=1000", ADMIN)).get("events");
        assertThat(events.valueStream().map(e -> e.get("target").asString()).toList()).contains(name);
        JsonNode creations = json(get("/api/v1/audit?action=user.create&n=1000", ADMIN)).get("events");
        assertThat(creations.valueStream().filter(e -> e.get("target").asString().equals(name))
                .map(e -> e.get("detail").asString()).toList()).containsExactly("{\"admin\":false}");
    }

    private HttpResponse<String> refresh(String refreshToken) throws Exception {
        return send(request("/auth/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&service=stowage"
                        + "&refresh_token=" + encode(refreshToken))).build());
    }
}
