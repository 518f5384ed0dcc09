package io.stowage.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;

/**
 * The tokens page over plain HTTP: a user creates a token, whose secret shows on the answer only and then signs in on
 * /v2/, revokes it, after which it does not; the page asks anonymous visitors to sign in, refuses robots, shows a
 * refusal on the form, and needs the CSRF token.
 */
@TokenAuth
class UiTokensIT extends UiTestBase {

    private static final String TOKENS = "/ui/tokens";
    private static final Pattern SECRET = Pattern.compile("value=\"(stw_[^\"]+)\"");

    @Test
    void aUserCreatesATokenSeesItsSecretOnceAndRevokesIt() throws Exception {
        String user = newUser("pw-ui-tokens-1", false);
        String session = signIn(user, "pw-ui-tokens-1");
        HttpResponse<String> created = act(session, "", Map.of("name", "ci", "scope", "read", "days", "30"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        Matcher secret = SECRET.matcher(created.body());
        assertThat(secret.find()).as(created.body()).isTrue();
        assertThat(page(TOKENS, session).body()).contains("data-token=\"ci\"").doesNotContain(secret.group(1));
        String credentials = basic(user, secret.group(1));
        assertThat(send(request("/v2/").header("Authorization", credentials).GET().build()).statusCode())
                .isEqualTo(200);
        // It opens no web UI session, which would keep the account and lose the token's narrowing.
        HttpResponse<String> browser = forms().submitSignIn(user, secret.group(1), null);
        assertThat(browser.statusCode()).as(browser.body()).isEqualTo(401);
        assertThat(browser.body()).contains("personal access token");

        HttpResponse<String> taken = act(session, "", Map.of("name", "ci", "scope", "write", "days", "30"));
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).contains("role=\"alert\"").contains("exists already");

        assertThat(post(TOKENS + "/revoke", session, Map.of("name", "ci")).statusCode()).as("no CSRF token")
                .isEqualTo(403);
        assertThat(act(session, "/revoke", Map.of("name", "ci")).statusCode()).isEqualTo(302);
        assertThat(page(TOKENS, session).body()).doesNotContain("data-token=\"ci\"");
        assertThat(send(request("/v2/").header("Authorization", credentials).GET().build()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void anonymousVisitorsSignInFirstAndRobotsHaveNoTokens() throws Exception {
        HttpResponse<String> anonymous = page(TOKENS, null);
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElseThrow()).contains("/ui/login");

        HttpResponse<String> robot = call("POST", "/api/v1/robots", ADMIN, Map.of("name", unique("uibot"),
                "permissions", List.of(Map.of("repository", "x/*", "actions", List.of("pull")))));
        assertThat(robot.statusCode()).as(robot.body()).isEqualTo(201);
        String session = signIn(json(robot).get("username").asString(), json(robot).get("secret").asString());
        assertThat(page(TOKENS, session).statusCode()).isEqualTo(403);
    }

    private HttpResponse<String> act(String session, String action, Map<String, String> fields) throws Exception {
        Map<String, String> form = new HashMap<>(fields);
        form.put("_csrf", csrf(page(TOKENS, session).body()));
        return post(TOKENS + action, session, form);
    }
}
