package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Personal access tokens through /api/v1/users/&lt;u&gt;/tokens, and what they sign in as: the user narrowed to the
 * token's scope and pattern, never an administrator, on /v2/ with basic credentials, through /auth/token (its tokens
 * and refresh tokens) and on the admin API; a revoked or expired token signs nobody in.
 */
@TokenAuth
class AccessTokenAdminIT extends AdminApiTestBase {

    private static final String PASSWORD = "pw-tokens-1";

    @Test
    void aUserCreatesListsAndRevokesTokensWhoseSecretIsShownOnce() throws Exception {
        String user = newUser(PASSWORD, false);
        String own = basic(user, PASSWORD);
        HttpResponse<String> created = create(own, user, Map.of("name", "laptop", "scope", "write"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/users/" + user + "/tokens/laptop");
        assertThat(created.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c)
                .contains("no-store"));
        String secret = json(created).get("secret").asString();
        assertThat(secret).startsWith("stw_").hasSizeGreaterThan(40);
        Instant expiresAt = Instant.parse(json(created).get("expiresAt").asString());
        assertThat(expiresAt).isBetween(Instant.now().plus(89, ChronoUnit.DAYS), Instant.now().plus(91, ChronoUnit.DAYS));

        HttpResponse<String> list = get("/api/v1/users/" + user + "/tokens", own);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(secret).doesNotContain("secret");
        assertThat(json(list).get(0).get("name").asString()).isEqualTo("laptop");
        assertThat(json(list).get(0).get("lastUsedAt").isNull()).isTrue();

        // Used once: pulled its own (empty) namespace's tags list, then the use shows.
        assertThat(send(request("/v2/").header("Authorization", basic(user, secret)).GET().build()).statusCode())
                .isEqualTo(200);
        assertThat(json(get("/api/v1/users/" + user + "/tokens/laptop", own)).get("lastUsedAt").isNull()).isFalse();

        assertThat(call("DELETE", "/api/v1/users/" + user + "/tokens/laptop", own, null).statusCode()).isEqualTo(204);
        assertError(get("/api/v1/users/" + user + "/tokens/laptop", own), 404, "not_found");
        assertThat(send(request("/v2/").header("Authorization", basic(user, secret)).GET().build()).statusCode())
                .as("revoked").isEqualTo(401);
    }

    @Test
    void onlyTheUserCreatesTokensAndOnlyTheUserAndAdministratorsSeeAndRevokeThem() throws Exception {
        String user = newUser(PASSWORD, false);
        String other = newUser(PASSWORD, false);
        String tokens = "/api/v1/users/" + user + "/tokens";
        for (String[] call : new String[][] {{"GET", tokens}, {"POST", tokens}, {"GET", tokens + "/x"},
                {"DELETE", tokens + "/x"}}) {
            HttpResponse<String> anonymous = call(call[0], call[1], null,
                    call[0].equals("POST") ? Map.of("name", "x", "scope", "read") : null);
            assertError(anonymous, 401, "unauthorized");
        }
        String secret = secret(basic(user, PASSWORD), user, Map.of("name", "ci", "scope", "read"));
        assertError(get(tokens, basic(other, PASSWORD)), 403, "forbidden");
        assertError(create(basic(other, PASSWORD), user, Map.of("name", "evil", "scope", "delete")), 403,
                "forbidden");
        assertError(call("DELETE", tokens + "/ci", basic(other, PASSWORD), null), 403, "forbidden");
        // An administrator sees and revokes, but cannot mint a token that signs in as someone else.
        assertError(create(ADMIN, user, Map.of("name", "admin-made", "scope", "read")), 403, "forbidden");
        assertThat(json(get(tokens, ADMIN)).get(0).get("name").asString()).isEqualTo("ci");
        // A token cannot mint tokens, not even for its own user.
        assertError(create(basic(user, secret), user, Map.of("name", "child", "scope", "delete")), 403,
                "forbidden");
        assertThat(json(get(tokens, basic(user, PASSWORD))).size()).isEqualTo(1);
        assertThat(call("DELETE", tokens + "/ci", ADMIN, null).statusCode()).isEqualTo(204);
        assertError(get("/api/v1/users/nobody" + unique("x") + "/tokens", ADMIN), 404, "not_found");
    }

    @Test
    void badRequestsAreProblems() throws Exception {
        String user = newUser(PASSWORD, false);
        String own = basic(user, PASSWORD);
        assertError(call("POST", "/api/v1/users/" + user + "/tokens", own, "{\"name\":"), 400, "invalid_request");
        JsonNode unknown = assertError(create(own, user, Map.of("name", "a", "scope", "read", "scopes", "x")), 400,
                "invalid_request");
        assertThat(unknown.get("detail").asString()).contains("scopes");
        assertError(create(own, user, Map.of("name", "a")), 400, "invalid_request");
        assertError(create(own, user, Map.of("name", "a", "scope", "admin")), 400, "invalid_request");
        assertError(create(own, user, Map.of("name", "a b", "scope", "read")), 400, "invalid_request");
        assertError(create(own, user, Map.of("name", "-a", "scope", "read")), 400, "invalid_request");
        assertError(create(own, user, Map.of("name", "a", "scope", "read", "repository", "Bad Pattern")), 400,
                "invalid_request");
        assertError(create(own, user, Map.of("name", "a", "scope", "read",
                "expiresAt", Instant.now().minusSeconds(60).toString())), 400, "invalid_request");
        assertError(create(own, user, Map.of("name", "a", "scope", "read",
                "expiresAt", Instant.now().plus(400, ChronoUnit.DAYS).toString())), 400, "invalid_request");
        assertError(create(own, user, Map.of("name", "a", "scope", "read", "expiresAt", "tomorrow")), 400,
                "invalid_request");
        assertThat(create(own, user, Map.of("name", "a", "scope", "read")).statusCode()).isEqualTo(201);
        assertError(create(own, user, Map.of("name", "a", "scope", "write")), 409, "name_taken");
        assertThat(json(get("/api/v1/users/" + user + "/tokens", own)).size()).as("only the one").isEqualTo(1);
    }

    @Test
    void aTokenSignsInAsItsUserNarrowedToItsScopeAndPattern() throws Exception {
        String user = newUser(PASSWORD, false);
        String own = basic(user, PASSWORD);
        String app = user + "/app";
        String lib = user + "/lib";
        pushImage(app, "v1", own);
        String read = basic(user, secret(own, user, Map.of("name", "read", "scope", "read")));
        String appOnly = basic(user, secret(own, user, Map.of("name", "app", "scope", "write",
                "repository", app)));

        assertThat(send(request("/v2/" + app + "/manifests/v1").header("Authorization", read).GET().build())
                .statusCode()).isEqualTo(200);
        assertThat(pushBlobStatus(app, read)).as("read cannot push").isEqualTo(403);
        assertThat(pushBlobStatus(app, appOnly)).isEqualTo(201);
        assertThat(pushBlobStatus(lib, appOnly)).as("outside its pattern").isEqualTo(403);
        assertThat(pushBlobStatus(lib, own)).as("the password reaches everything of the user's").isEqualTo(201);
        HttpResponse<String> delete = send(request("/v2/" + app + "/manifests/v1").header("Authorization", appOnly)
                .DELETE().build());
        assertThat(delete.statusCode()).as("write cannot delete").isEqualTo(403);

        // The token endpoint grants no more than the token: asked for push, a read token gets pull.
        assertThat(grantedScope(read, "repository:" + app + ":pull,push")).isEqualTo("repository:" + app + ":pull");
        assertThat(grantedScope(appOnly, "repository:" + lib + ":pull")).isEmpty();
        // A bearer token from a token sign-in keeps the narrowing on /v2/.
        String bearer = "Bearer " + token(read, "repository:" + app + ":pull,push");
        assertThat(send(request("/v2/" + app + "/manifests/v1").header("Authorization", bearer).GET().build())
                .statusCode()).isEqualTo(200);
        assertThat(pushBlobStatus(app, bearer)).isIn(401, 403);

        // It cannot take the account over: no new password through it, whatever its scope.
        String everything = basic(user, secret(own, user, Map.of("name", "all", "scope", "delete")));
        assertError(call("PATCH", "/api/v1/users/" + user, everything, Map.of("password", "taken-over")), 403,
                "forbidden");
        assertThat(get("/api/v1/users/" + user, basic(user, PASSWORD)).statusCode()).as("the password holds")
                .isEqualTo(200);

        // Nor does it list, search or mount from the user's repositories outside its pattern.
        pushImage(lib, "v1", own);
        String hidden = pushBlob(lib, ("only in lib " + unique("b")).getBytes(), own);
        HttpResponse<String> catalog = send(request("/v2/_catalog?n=1000").header("Authorization", appOnly)
                .GET().build());
        assertThat(catalog.statusCode()).as(catalog.body()).isEqualTo(200);
        assertThat(catalog.body()).contains("\"" + app + "\"").doesNotContain(lib);
        assertThat(send(request("/v2/_catalog?n=1000").header("Authorization", own).GET().build()).body())
                .contains(lib);
        HttpResponse<String> search = send(request("/v1/search?q=" + encode(user)).header("Authorization", appOnly)
                .GET().build());
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        assertThat(search.body()).contains(app).doesNotContain(lib);
        HttpResponse<String> mount = send(request("/v2/" + app + "/blobs/uploads/?mount=" + encode(hidden)
                + "&from=" + encode(lib)).header("Authorization", appOnly)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(mount.statusCode()).as("a plain upload, not a mount: " + mount.body()).isEqualTo(202);
        assertThat(send(request("/v2/" + app + "/blobs/" + hidden).header("Authorization", appOnly)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(404);
    }

    @Test
    void anAdministratorsTokenReachesRepositoriesButIsNoAdministrator() throws Exception {
        String admin = newUser(PASSWORD, true);
        String secret = secret(basic(admin, PASSWORD), admin, Map.of("name", "ops", "scope", "delete"));
        String token = basic(admin, secret);
        String repository = unique("someone") + "/app";
        assertThat(pushBlobStatus(repository, token)).as("an administrator's repositories").isEqualTo(201);
        assertError(get("/api/v1/users", token), 403, "forbidden");
        assertError(call("POST", "/api/v1/users", token, Map.of("username", unique("u"), "password", "pw")), 403,
                "forbidden");
        assertError(call("POST", "/api/v1/organizations", token, Map.of("name", unique("o"))), 403, "forbidden");
        assertThat(get("/api/v1/users", basic(admin, PASSWORD)).statusCode()).isEqualTo(200);
    }

    @Test
    void revokingATokenStopsItsBearerAndRefreshTokensAndAnExpiredTokenSignsNobodyIn() throws Exception {
        String user = newUser(PASSWORD, false);
        String own = basic(user, PASSWORD);
        String secret = secret(own, user, Map.of("name", "docker", "scope", "write"));
        HttpResponse<String> login = form("grant_type", "password", "username", user, "password", secret,
                "service", "stowage", "client_id", "docker", "access_type", "offline",
                "scope", "repository:" + user + "/app:pull,push");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String refresh = json(login).get("refresh_token").asString();
        String bearer = "Bearer " + json(login).get("access_token").asString();
        assertThat(pushBlobStatus(user + "/app", bearer)).isEqualTo(201);
        HttpResponse<String> refreshed = form("grant_type", "refresh_token", "refresh_token", refresh,
                "service", "stowage", "client_id", "docker", "scope", "repository:" + user + "/app:pull,push,delete");
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(json(refreshed).get("scope").asString()).as("still narrowed")
                .isEqualTo("repository:" + user + "/app:pull,push");

        assertThat(call("DELETE", "/api/v1/users/" + user + "/tokens/docker", own, null).statusCode())
                .isEqualTo(204);
        assertThat(pushBlobStatus(user + "/app", bearer)).as("its bearer token, on this node at once")
                .isEqualTo(401);
        assertThat(form("grant_type", "refresh_token", "refresh_token", refresh, "service", "stowage")
                .statusCode()).as("its refresh token").isEqualTo(401);
        assertThat(tokenResponse(basic(user, secret), "repository:" + user + "/app:pull").statusCode())
                .isEqualTo(401);

        String soon = secret(own, user, Map.of("name", "soon", "scope", "read",
                "expiresAt", Instant.now().plusSeconds(2).toString()));
        Thread.sleep(2500);
        assertThat(send(request("/v2/").header("Authorization", basic(user, soon)).GET().build()).statusCode())
                .as("expired").isEqualTo(401);
        assertThat(json(get("/api/v1/users/" + user + "/tokens/soon", own)).get("expired").asBoolean()).isTrue();
    }

    private HttpResponse<String> create(String authorization, String user, Map<String, ?> body) throws Exception {
        return call("POST", "/api/v1/users/" + user + "/tokens", authorization, new HashMap<>(body));
    }

    private String secret(String authorization, String user, Map<String, ?> body) throws Exception {
        HttpResponse<String> created = create(authorization, user, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).get("secret").asString();
    }

    private HttpResponse<String> form(String... fields) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            body.append(i == 0 ? "" : "&").append(encode(fields[i])).append('=').append(encode(fields[i + 1]));
        }
        return send(request("/auth/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build());
    }
}
