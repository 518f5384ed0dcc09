package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.accounts.Users;
import io.stowage.auth.TokenAuth;
import io.stowage.metadata.RepositoryRecords;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code GET /v1/search} with token auth: it lists what the caller may pull, whether the caller comes anonymously,
 * with basic credentials (as the docker daemon sends them over HTTPS) or with a bearer token for
 * {@code registry:catalog:search} (as it asks for one when signed in with an identity token).
 */
@TokenAuth
class SearchAuthorizationIT extends RegistryTestBase {

    @Autowired
    private Users users;
    @Autowired
    private RepositoryRecords repositories;

    private String word;
    private String alicesPrivate;
    private String bobsPrivate;
    private String bobsPublic;
    private String alice;
    private String bob;

    private RegistryClient client(String authorization) {
        return new RegistryClient(http, path -> authorization == null ? request(path)
                : request(path).header("Authorization", authorization));
    }

    private String newUser() {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(users.create(name, password(name), false)).isTrue();
        return name;
    }

    private static String password(String user) {
        return "pw-of-" + user;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private String token(String user, String... scopes) {
        StringBuilder query = new StringBuilder("/auth/token?service=stowage&client_id=search-it");
        for (String scope : scopes) {
            query.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = client(user == null ? null : basic(user, password(user))).get(query.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).get("token").asString();
    }

    /** Three repositories containing a word of their own: Alice's and Bob's private ones and Bob's public one. */
    private void pushRepositories() {
        word = "srch" + UUID.randomUUID().toString().substring(0, 8);
        alice = newUser();
        bob = newUser();
        alicesPrivate = alice + "/" + word + "-private";
        bobsPrivate = bob + "/" + word + "-private";
        bobsPublic = bob + "/" + word + "-public";
        client(basic(alice, password(alice))).pushImage(alicesPrivate, "v1");
        RegistryClient asBob = client(basic(bob, password(bob)));
        asBob.pushImage(bobsPrivate, "v1");
        asBob.pushImage(bobsPublic, "v1");
        repositories.update(bobsPublic, "public", null);
    }

    private List<String> search(RegistryClient client) {
        HttpResponse<String> response = client.get("/v1/search?q=" + word);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).get("results").valueStream().map(r -> r.get("name").asString()).toList();
    }

    @Test
    void eachCallerFindsWhatTheyMayPull() {
        pushRepositories();

        assertThat(search(client(null))).as("anonymous").containsExactlyInAnyOrder(bobsPublic);
        assertThat(search(client(basic(alice, password(alice))))).as("alice")
                .containsExactlyInAnyOrder(alicesPrivate, bobsPublic);
        assertThat(search(client(basic(bob, password(bob))))).as("bob")
                .containsExactlyInAnyOrder(bobsPrivate, bobsPublic);
        assertThat(search(client(basic(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD)))).as("admin")
                .containsExactlyInAnyOrder(alicesPrivate, bobsPrivate, bobsPublic);
    }

    @Test
    void bearerTokensForTheSearchScopeWork() {
        pushRepositories();

        assertThat(search(client("Bearer " + token(alice, "registry:catalog:search"))))
                .containsExactlyInAnyOrder(alicesPrivate, bobsPublic);
        assertThat(search(client("Bearer " + token(null,
                "registry:catalog:search")))).containsExactlyInAnyOrder(bobsPublic);
        assertThat(search(client("Bearer " + token(bob, "registry:catalog:*"))))
                .containsExactlyInAnyOrder(bobsPrivate, bobsPublic);
    }

    /** As the docker daemon does after {@code docker login}: the refresh token traded for the search scope. */
    @Test
    void aRefreshTokenTradedForTheSearchScopeWorks() {
        pushRepositories();
        HttpResponse<String> login = client(basic(alice, password(alice)))
                .get("/auth/token?service=stowage&client_id=docker&offline_token=true");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String refreshToken = json(login.body()).get("refresh_token").asString();
        String form = "grant_type=refresh_token&service=stowage&client_id=docker&scope="
                + URLEncoder.encode("registry:catalog:search", StandardCharsets.UTF_8) + "&refresh_token="
                + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8);
        HttpResponse<String> traded = client(null).send(request("/auth/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(traded.statusCode()).as(traded.body()).isEqualTo(200);
        String token = json(traded.body()).get("access_token").asString();

        assertThat(search(client("Bearer " + token))).containsExactlyInAnyOrder(alicesPrivate, bobsPublic);
    }

    @Test
    void otherTokensAndWrongPasswordsAreChallengedForTheSearchScope() {
        pushRepositories();
        String challenge = "Bearer realm=\"http://localhost:" + port + "/auth/token\",service=\"stowage\","
                + "scope=\"registry:catalog:search\"";

        HttpResponse<String> otherScope = client("Bearer " + token(alice, "repository:" + alicesPrivate + ":pull"))
                .get("/v1/search?q=" + word);
        assertThat(otherScope.statusCode()).isEqualTo(401);
        assertThat(otherScope.headers().allValues("WWW-Authenticate"))
                .containsExactly(challenge + ",error=\"insufficient_scope\"");
        assertThat(json(otherScope.body()).get("errors").get(0).get("code").asString()).isEqualTo("UNAUTHORIZED");

        HttpResponse<String> wrongPassword = client(basic(alice, "wrong")).get("/v1/search?q=" + word);
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(wrongPassword.headers().allValues("WWW-Authenticate"))
                .containsExactly(challenge + ",error=\"invalid_token\"");

        HttpResponse<String> badParameter = client(basic(alice, password(alice))).get("/v1/search?q=x&n=0");
        assertThat(badParameter.statusCode()).as(badParameter.body()).isEqualTo(400);
    }
}
