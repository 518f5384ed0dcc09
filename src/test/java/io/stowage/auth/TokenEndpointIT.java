package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jwt.SignedJWT;
import io.stowage.RegistryTestBase;
import io.stowage.accounts.AdminBootstrap;
import io.stowage.accounts.Users;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

@TokenAuth
class TokenEndpointIT extends RegistryTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    private Users users;
    @Autowired
    private AdminBootstrap adminBootstrap;
    @Autowired
    private TokenVerifier verifier;

    @Test
    void generatedAdminPasswordIsWrittenOwnerOnlyAndLogsIn(@TempDir Path dataDir) throws Exception {
        String admin = uniqueUser("admin");
        Path file = adminBootstrap.bootstrap(admin, null, dataDir);

        assertThat(file).isEqualTo(dataDir.resolve("admin.password"));
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String password = Files.readString(file).strip();
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);

        // An administrator may do anything, so the login shows up as a full grant on someone else's repository.
        VerifiedToken token = verifier.verify(token(getToken(admin, password, "repository:someone/app:pull,push")));
        assertThat(token.subject()).isEqualTo(admin);
        assertThat(token.access()).containsExactly(new Access("repository", "someone/app", List.of("pull", "push")));

        // A second start finds the administrator and neither writes nor changes anything.
        Files.delete(file);
        assertThat(adminBootstrap.bootstrap(admin, null, dataDir)).isNull();
        assertThat(file).doesNotExist();
        assertThat(getToken(admin, password, "repository:someone/app:pull").statusCode()).isEqualTo(200);
    }

    @Test
    void configuredAdminPasswordIsApplied(@TempDir Path dataDir) throws Exception {
        String admin = uniqueUser("cfgadmin");
        assertThat(adminBootstrap.bootstrap(admin, "first-secret", dataDir)).isNull();
        assertThat(getToken(admin, "first-secret", "").statusCode()).isEqualTo(200);
        assertThat(dataDir.resolve("admin.password")).doesNotExist();

        adminBootstrap.bootstrap(admin, "second-secret", dataDir);
        assertThat(getToken(admin, "first-secret", "").statusCode()).isEqualTo(401);
        assertThat(getToken(admin, "second-secret", "").statusCode()).isEqualTo(200);
    }

    @Test
    void ownNamespacePushIsGrantedAndVerified() throws Exception {
        String user = newUser("secret-1");
        HttpResponse<String> response = getToken(user, "secret-1", "repository:" + user + "/app:pull,push");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("access_token").asString()).isEqualTo(body.get("token").asString());
        assertThat(body.get("expires_in").asLong()).isEqualTo(300);
        assertThat(body.get("issued_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(body.has("refresh_token")).isFalse();

        VerifiedToken token = verifier.verify(body.get("token").asString());
        assertThat(token.subject()).isEqualTo(user);
        assertThat(token.access()).containsExactly(new Access("repository", user + "/app", List.of("pull", "push")));
    }

    @Test
    void otherUsersNamespaceIsGrantedNothingAndSeveralScopesAreAnswered() throws Exception {
        String alice = newUser("alice-secret");
        String bob = newUser("bob-secret");
        HttpResponse<String> response = getToken(alice, "alice-secret",
                "repository:" + bob + "/app:pull,push", "repository:" + alice + "/one:pull",
                "repository:" + alice + "/two:push,delete");

        assertThat(response.statusCode()).isEqualTo(200);
        VerifiedToken token = verifier.verify(token(response));
        assertThat(token.access()).containsExactly(
                new Access("repository", bob + "/app", List.of()),
                new Access("repository", alice + "/one", List.of("pull")),
                new Access("repository", alice + "/two", List.of("push", "delete")));
    }

    @Test
    void wrongPasswordAndUnknownUserAre401WithBasicChallenge() throws Exception {
        String user = newUser("right");
        for (HttpResponse<String> response : List.of(getToken(user, "wrong", "repository:" + user + "/app:pull"),
                getToken(uniqueUser("nobody"), "right", "repository:x/app:pull"))) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Basic realm="));
            assertThat(response.body()).doesNotContain("right");
        }
    }

    @Test
    void anonymousGetsATokenWithoutAccess() throws Exception {
        HttpResponse<String> response = send(request("/auth/token?service=stowage&scope="
                + encode("repository:library/app:pull")).GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        VerifiedToken token = verifier.verify(token(response));
        assertThat(token.subject()).isEmpty();
        assertThat(token.access()).containsExactly(new Access("repository", "library/app", List.of()));
    }

    @Test
    void invalidScopeOrServiceIs400() throws Exception {
        String user = newUser("pw");
        HttpResponse<String> scope = getToken(user, "pw", "repository:Bad Name:pull");
        assertThat(scope.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(scope.body()).get("error").asString()).isEqualTo("invalid_scope");

        HttpResponse<String> service = send(request("/auth/token?service=elsewhere")
                .header("Authorization", basic(user, "pw")).GET().build());
        assertThat(service.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(service.body()).get("error").asString()).isEqualTo("invalid_request");
    }

    @Test
    void postPasswordGrantThenRefreshTokenGrant() throws Exception {
        String user = newUser("oauth-pw");
        HttpResponse<String> first = post("grant_type", "password", "username", user, "password", "oauth-pw",
                "service", "stowage", "client_id", "containerd", "access_type", "offline",
                "scope", "repository:" + user + "/app:pull repository:other/app:pull");
        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(first.body());
        assertThat(body.get("scope").asString()).isEqualTo("repository:" + user + "/app:pull");
        assertThat(verifier.verify(body.get("access_token").asString()).access()).containsExactly(
                new Access("repository", user + "/app", List.of("pull")),
                new Access("repository", "other/app", List.of()));
        String refresh = body.get("refresh_token").asString();
        assertThat(refresh).hasSizeGreaterThanOrEqualTo(40);

        HttpResponse<String> refreshed = post("grant_type", "refresh_token", "refresh_token", refresh,
                "service", "stowage", "client_id", "containerd", "scope", "repository:" + user + "/app:pull,push");
        assertThat(refreshed.statusCode()).isEqualTo(200);
        JsonNode again = JSON.readTree(refreshed.body());
        assertThat(again.get("refresh_token").asString()).isEqualTo(refresh);
        VerifiedToken token = verifier.verify(again.get("access_token").asString());
        assertThat(token.subject()).isEqualTo(user);
        assertThat(token.access()).containsExactly(new Access("repository", user + "/app", List.of("pull", "push")));

        assertThat(post("grant_type", "refresh_token", "refresh_token", refresh + "x", "service", "stowage")
                .statusCode()).isEqualTo(401);
        assertThat(post("grant_type", "password", "username", user, "password", "nope", "service", "stowage")
                .statusCode()).isEqualTo(401);
        assertThat(post("grant_type", "authorization_code", "service", "stowage").statusCode()).isEqualTo(400);
    }

    @Test
    void getWithOfflineTokenAnswersARefreshToken() throws Exception {
        String user = newUser("offline-pw");
        HttpResponse<String> response = send(request("/auth/token?service=stowage&offline_token=true&client_id=t")
                .header("Authorization", basic(user, "offline-pw")).GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        String refresh = JSON.readTree(response.body()).get("refresh_token").asString();
        HttpResponse<String> refreshed = post("grant_type", "refresh_token", "refresh_token", refresh,
                "service", "stowage", "scope", "repository:" + user + "/x:push");
        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(verifier.verify(JSON.readTree(refreshed.body()).get("access_token").asString()).access())
                .containsExactly(new Access("repository", user + "/x", List.of("push")));
    }

    @Test
    void jwksListsTheKidTokensAreSignedWith() throws Exception {
        String user = newUser("jwks");
        String kid = SignedJWT.parse(token(getToken(user, "jwks", ""))).getHeader().getKeyID();

        HttpResponse<String> response = send(request("/auth/jwks.json").GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode keys = JSON.readTree(response.body()).get("keys");
        assertThat(keys.valueStream().map(k -> k.get("kid").asString()).toList()).contains(kid);
        for (JsonNode key : keys) {
            assertThat(key.get("kty").asString()).isEqualTo("EC");
            assertThat(key.has("d")).as("private part published").isFalse();
        }
    }

    private String newUser(String password) {
        String name = uniqueUser("u");
        assertThat(users.create(name, password, false)).isTrue();
        return name;
    }

    private static String uniqueUser(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private HttpResponse<String> getToken(String user, String password, String... scopes) throws Exception {
        StringBuilder query = new StringBuilder("/auth/token?service=stowage&client_id=test");
        for (String scope : scopes) {
            query.append("&scope=").append(encode(scope));
        }
        return send(request(query.toString()).header("Authorization", basic(user, password)).GET().build());
    }

    private HttpResponse<String> post(String... form) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < form.length; i += 2) {
            body.append(i == 0 ? "" : "&").append(encode(form[i])).append('=').append(encode(form[i + 1]));
        }
        return send(request("/auth/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    private static String token(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("token").asString();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
