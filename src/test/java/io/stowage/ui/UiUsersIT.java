package io.stowage.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The users page over plain HTTP: what an administrator does there takes effect on /v2/'s token endpoint and the UI
 * at once and is audited as through the admin API; nobody else may see or post to it, every form needs the CSRF
 * token, and what the administration refuses shows on the page with its status, never as a 500.
 */
@TokenAuth
class UiUsersIT extends UiTestBase {

    private static final String USERS = "/ui/admin/users";

    private String admin;
    private String token;

    @BeforeEach
    void signInAsAdministrator() throws Exception {
        admin = signIn(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);
        token = csrf(page(USERS, admin).body());
    }

    @Test
    void anAdministratorCreatesAUserWhoSignsInToTheRegistryAndTheUi() throws Exception {
        String name = unique("u");
        HttpResponse<String> created = act("", Map.of("username", name, "password", "first-pw-1"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(302);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).endsWith(USERS + "?done=created&user=" + name).doesNotContain("first-pw-1");

        HttpResponse<String> after = page(location.substring(location.indexOf(USERS)), admin);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).contains("role=\"status\"").contains("Created user " + name)
                .doesNotContain("first-pw-1");
        assertThat(row(after.body(), name)).contains(">user<").contains(">active<");

        HttpResponse<String> issued = tokenResponse(basic(name, "first-pw-1"));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        HttpResponse<String> v2 = send(request("/v2/")
                .header("Authorization", "Bearer " + json(issued).get("token").asString()).GET().build());
        assertThat(v2.statusCode()).isEqualTo(200);
        String session = signIn(name, "first-pw-1");
        assertThat(page("/ui/", session).body()).contains("Sign out");

        JsonNode events = json(call("GET", "/api/v1/audit?action=user.create&actor=" + TokenAuth.ADMIN + "&n=1000",
                ADMIN, null)).get("events");
        assertThat(events.valueStream().map(e -> e.get("target").asString())).contains(name);
    }

    @Test
    void disablingEndsTheUsersSessionsAtOnceAndEnablingLetsThemSignInAgain() throws Exception {
        String name = newUser("pw-disable-1", false);
        String session = signIn(name, "pw-disable-1");
        assertThat(page("/ui/", session).body()).contains("Sign out");

        assertThat(act("/update", Map.of("username", name, "disabled", "true")).statusCode()).isEqualTo(302);
        assertThat(row(page(USERS, admin).body(), name)).contains(">disabled<");
        assertThat(page("/ui/", session).body()).doesNotContain("Sign out").contains("Sign in");
        assertThat(tokenResponse(basic(name, "pw-disable-1")).statusCode()).isEqualTo(401);

        HttpResponse<String> enabled = act("/update", Map.of("username", name, "disabled", "false"));
        assertThat(enabled.headers().firstValue("Location")).hasValueSatisfying(
                l -> assertThat(l).endsWith("?done=enabled&user=" + name));
        assertThat(row(page(USERS, admin).body(), name)).contains(">active<");
        assertThat(tokenResponse(basic(name, "pw-disable-1")).statusCode()).isEqualTo(200);
        // Disabling ended the session for good: enabled again, the user signs in anew.
        assertThat(page("/ui/", session).body()).doesNotContain("Sign out");
        assertThat(page("/ui/", signIn(name, "pw-disable-1")).body()).contains("Sign out");
    }

    @Test
    void aUserMadeAdministratorSeesTheUsersPage() throws Exception {
        String name = newUser("pw-promote-1", false);
        String session = signIn(name, "pw-promote-1");
        assertThat(page(USERS, session).statusCode()).isEqualTo(403);
        assertThat(page("/ui/", session).body()).doesNotContain("href=\"/ui/admin/users\"");

        assertThat(act("/update", Map.of("username", name, "admin", "true")).statusCode()).isEqualTo(302);
        assertThat(row(page(USERS, admin).body(), name)).contains(">administrator<");
        HttpResponse<String> now = page(USERS, session);
        assertThat(now.statusCode()).isEqualTo(200);
        assertThat(now.body()).contains("href=\"/ui/admin/users\"");

        assertThat(act("/update", Map.of("username", name, "admin", "false")).statusCode()).isEqualTo(302);
        assertThat(page(USERS, session).statusCode()).isEqualTo(403);
    }

    @Test
    void aResetPasswordReplacesTheOldOneWithoutShowingItAnywhere() throws Exception {
        String name = newUser("pw-old-1", false);
        HttpResponse<String> reset = act("/update", Map.of("username", name, "password", "pw-new-1"));
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(302);
        String location = reset.headers().firstValue("Location").orElseThrow();
        assertThat(location).endsWith("?done=password&user=" + name).doesNotContain("pw-new-1");

        assertThat(tokenResponse(basic(name, "pw-old-1")).statusCode()).isEqualTo(401);
        assertThat(tokenResponse(basic(name, "pw-new-1")).statusCode()).isEqualTo(200);
        assertThat(forms().submitSignIn(name, "pw-old-1", null).statusCode())
                .isEqualTo(401);
        signIn(name, "pw-new-1");
        assertThat(page(location.substring(location.indexOf(USERS)), admin).body())
                .contains("Set a new password for " + name).doesNotContain("pw-new-1");
        assertThat(call("GET", "/api/v1/audit?n=1000", ADMIN, null).body()).doesNotContain("pw-new-1")
                .doesNotContain("pw-old-1");
    }

    @Test
    void deletingRemovesTheUserAndIsAudited() throws Exception {
        String name = newUser("pw-delete-1", false);
        String page = page(USERS, admin).body();
        assertThat(row(page, name)).contains("data-confirm=\"Delete user " + name);

        HttpResponse<String> deleted = act("/delete", Map.of("username", name));
        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(deleted.headers().firstValue("Location")).hasValueSatisfying(
                l -> assertThat(l).endsWith("?done=deleted&user=" + name));
        assertThat(page(USERS, admin).body()).doesNotContain("data-user=\"" + name + "\"");
        assertThat(tokenResponse(basic(name, "pw-delete-1")).statusCode()).isEqualTo(401);

        JsonNode events = json(call("GET", "/api/v1/audit?action=user.delete&actor=" + TokenAuth.ADMIN + "&n=1000",
                ADMIN, null)).get("events");
        assertThat(events.valueStream().map(e -> e.get("target").asString())).contains(name);

        // Deleting again (a second click, a stale page) is an error on the page, not a 500.
        HttpResponse<String> again = act("/delete", Map.of("username", name));
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.body()).contains("role=\"alert\"").contains("no user named " + name);
    }

    @Test
    void anAdministratorCannotLockThemselvesOut() throws Exception {
        assertThat(row(page(USERS, admin).body(), TokenAuth.ADMIN)).contains("(you)")
                .doesNotContain("/ui/admin/users/delete").doesNotContain("name=\"disabled\"")
                .doesNotContain("name=\"admin\"");
        for (Map<String, String> attempt : List.of(Map.of("disabled", "true"), Map.of("admin", "false"))) {
            Map<String, String> form = new HashMap<>(attempt);
            form.put("username", TokenAuth.ADMIN);
            HttpResponse<String> refused = act("/update", form);
            assertThat(refused.statusCode()).as(attempt.toString()).isEqualTo(409);
            assertThat(refused.body()).contains("role=\"alert\"").contains("cannot demote or disable themselves");
        }
        HttpResponse<String> deleted = act("/delete", Map.of("username", TokenAuth.ADMIN));
        assertThat(deleted.statusCode()).isEqualTo(409);
        assertThat(deleted.body()).contains("role=\"alert\"").contains("cannot delete themselves");
        assertThat(row(page(USERS, admin).body(), TokenAuth.ADMIN)).contains(">administrator<").contains(">active<");
    }

    @Test
    void refusalsShowOnThePageWithWhatWasTypedButNeverThePassword() throws Exception {
        String taken = newUser("pw-taken-1", false);
        HttpResponse<String> duplicate = act("", Map.of("username", taken, "password", "typed-pw-1", "admin", "true"));
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(duplicate.body()).contains("role=\"alert\"").contains("exists already")
                .contains("id=\"username\"").contains("value=\"" + taken + "\"").contains("checked")
                .doesNotContain("typed-pw-1");

        HttpResponse<String> invalid = act("", Map.of("username", "Not Valid", "password", "typed-pw-1"));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("invalid username").contains("value=\"Not Valid\"")
                .doesNotContain("typed-pw-1");

        String fresh = unique("u");
        HttpResponse<String> noPassword = act("", Map.of("username", fresh, "password", ""));
        assertThat(noPassword.statusCode()).isEqualTo(400);
        assertThat(noPassword.body()).contains("password is required");
        HttpResponse<String> emptyReset = act("/update", Map.of("username", taken, "password", ""));
        assertThat(emptyReset.statusCode()).isEqualTo(400);
        assertThat(emptyReset.body()).contains("must not be empty");
        HttpResponse<String> nothing = act("/update", Map.of("username", taken));
        assertThat(nothing.statusCode()).isEqualTo(400);
        assertThat(nothing.body()).contains("nothing to change");
        assertThat(tokenResponse(basic(taken, "pw-taken-1")).statusCode()).isEqualTo(200);
        assertThat(page(USERS, admin).body()).doesNotContain("data-user=\"" + fresh + "\"");
    }

    @Test
    void onlySignedInAdministratorsWithTheFormsTokenGetIn() throws Exception {
        HttpResponse<String> anonymous = page(USERS, null);
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location")).hasValueSatisfying(
                l -> assertThat(l).contains("/ui/login?next=").contains(encode(USERS)));

        String name = newUser("pw-plain-1", false);
        String session = signIn(name, "pw-plain-1");
        assertThat(page(USERS, session).statusCode()).isEqualTo(403);
        String own = csrf(page("/ui/", session).body());
        String victim = newUser("pw-victim-1", false);
        HttpResponse<String> forbidden = post(USERS + "/update", session,
                Map.of("username", victim, "disabled", "true", "_csrf", own));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(post(USERS, session, Map.of("username", unique("u"), "password", "pw-x-1", "_csrf", own))
                .statusCode()).isEqualTo(403);
        assertThat(post(USERS + "/delete", session, Map.of("username", victim, "_csrf", own)).statusCode())
                .isEqualTo(403);

        assertThat(post(USERS + "/update", admin, Map.of("username", victim, "disabled", "true")).statusCode())
                .isEqualTo(403);
        assertThat(post(USERS + "/delete", admin, Map.of("username", victim, "_csrf", "forged")).statusCode())
                .isEqualTo(403);
        assertThat(tokenResponse(basic(victim, "pw-victim-1")).statusCode()).isEqualTo(200);
    }

    @Test
    void thePageIsUsableWithoutSight() throws Exception {
        String name = newUser("pw-a11y-1", false);
        String page = page(USERS, admin).body();
        assertThat(page).contains("<th scope=\"col\">Username</th>").contains("<label for=\"username\">")
                .contains("<label for=\"password\">").contains("autocomplete=\"new-password\"");
        assertThat(row(page, name)).contains("data-label=\"Username\"").contains("data-label=\"State\"")
                .contains("aria-label=\"Disable " + name + "\"").contains("aria-label=\"Delete " + name + "\"")
                .contains("<label for=\"password-" + name + "\">").contains("id=\"password-" + name + "\"");
        assertThat(page("/ui/", admin).body()).contains("href=\"/ui/admin/users\"");
    }

    /** POSTs to the users page (or one of its actions) as the signed-in administrator, with the form's token. */
    private HttpResponse<String> act(String action, Map<String, String> fields) throws Exception {
        Map<String, String> form = new HashMap<>(fields);
        form.put("_csrf", token);
        return post(USERS + action, admin, form);
    }

    /** The table row of a user in the page. */
    private static String row(String page, String user) {
        int start = page.indexOf("data-user=\"" + user + "\"");
        assertThat(start).as("a row for " + user).isNotNegative();
        return page.substring(start, page.indexOf("</tr>", start));
    }
}
