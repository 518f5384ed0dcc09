package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;

@TokenAuth
class AdminAuthenticationIT extends AdminApiTestBase {

    @Test
    void missingOrInvalidCredentialsAre401WithABasicChallenge() throws Exception {
        String user = newUser("pw", false);
        for (String authorization : new String[] {null, "", basic(user, "wrong"), basic(unique("nobody"), "pw"),
                "Basic !!!", "Basic " + java.util.Base64.getEncoder().encodeToString("no-colon".getBytes()),
                "Digest username=\"x\"", "Bearer not.a.token", "Bearer "}) {
            HttpResponse<String> response = get("/api/v1/users", authorization);
            assertError(response, 401, "unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"stowage\"");
        }
    }

    @Test
    void anyValidTokenOfALiveAccountSignsIn() throws Exception {
        String user = newUser("pw", false);
        // No scope at all: scopes concern /v2/, not the admin API.
        String token = token(basic(user, "pw"));
        assertThat(get("/api/v1/users/" + user, bearer(token)).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/users", bearer(token(ADMIN))).statusCode()).isEqualTo(200);

        String anonymous = token(null, "repository:x/app:pull");
        assertError(get("/api/v1/users/" + user, bearer(anonymous)), 401, "unauthorized");

        call("PATCH", "/api/v1/users/" + user, ADMIN, Map.of("disabled", true));
        assertError(get("/api/v1/users/" + user, bearer(token)), 401, "unauthorized");
    }

    @Test
    void repeatedFailuresAre429WithRetryAfter() throws Exception {
        String user = newUser("pw", false);
        HttpResponse<String> response = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            response = get("/api/v1/users/" + user, basic(user, "wrong-" + attempt));
            if (response.statusCode() == 429) {
                break;
            }
            assertThat(response.statusCode()).isEqualTo(401);
        }
        assertError(response, 429, "too_many_requests");
        assertThat(Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        // The pause is short at first; then the right password gets through again.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        int status;
        do {
            Thread.sleep(250);
            status = get("/api/v1/users/" + user, basic(user, "pw")).statusCode();
        } while (status == 429 && Instant.now().isBefore(deadline));
        assertThat(status).isEqualTo(200);
    }

    @Test
    void requestsAnHtmlFormCouldSendAreRefused() throws Exception {
        String name = unique("form");
        String body = JSON.writeValueAsString(Map.of("username", name, "password", "pw", "admin", true));
        List<String> types = List.of("text/plain", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=b");
        for (String type : types) {
            HttpResponse<String> create = send(request("/api/v1/users").header("Authorization", ADMIN)
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertError(create, 415, "unsupported_media_type");
        }
        assertError(get("/api/v1/users/" + name, ADMIN), 404, "not_found");
    }

    @Test
    void unknownEndpointsAre404AndWrongMethods405InTheAdminErrorFormat() throws Exception {
        assertError(get("/api/v1/nothing-here", ADMIN), 404, "not_found");
        assertError(get("/api/v1/users/a/b", ADMIN), 404, "not_found");
        HttpResponse<String> put = call("PUT", "/api/v1/users", ADMIN, Map.of());
        assertError(put, 405, "method_not_allowed");
        assertThat(put.headers().firstValue("Allow")).hasValueSatisfying(
                allow -> assertThat(allow).contains("GET").contains("POST").doesNotContain("PUT"));
        assertError(call("DELETE", "/api/v1/audit", ADMIN, null), 405, "method_not_allowed");
        // Unknown endpoints need credentials too: nothing about the API is told to strangers.
        assertError(get("/api/v1/nothing-here", null), 401, "unauthorized");
    }
}
