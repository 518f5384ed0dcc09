package io.stowage.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;

/**
 * The web UI over plain HTTP: who sees which repositories (the same rules as /v2/), sign-in and its cookie, CSRF
 * tokens on every form that changes something, and a session that is nothing but a UI session.
 */
@TokenAuth
class UiAccessIT extends UiTestBase {

    @org.springframework.beans.factory.annotation.Autowired
    private io.stowage.registry.PullTally pulls;

    private static final String PASSWORD = "ui-password-1";

    @Test
    void anonymousVisitorsSeeOnlyPublicRepositoriesAndAreSentToSignInForPrivateOnes() throws Exception {
        String open = "uiopen/" + unique("r");
        String closed = "uiclosed/" + unique("r");
        pushImage(open, "v1", ADMIN);
        pushImage(closed, "v1", ADMIN);
        makePublic(open);

        HttpResponse<String> list = page("/ui/", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(open).doesNotContain(closed);

        HttpResponse<String> publicPage = page("/ui/repositories/" + open, null);
        assertThat(publicPage.statusCode()).isEqualTo(200);
        assertThat(publicPage.body()).contains("docker pull localhost:" + port + "/" + open + ":v1")
                .doesNotContain("/ui/tags/delete");

        HttpResponse<String> privatePage = page("/ui/repositories/" + closed, null);
        assertThat(privatePage.statusCode()).isEqualTo(302);
        assertThat(privatePage.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location)
                .contains("/ui/login?next=").contains(encode("/ui/repositories/" + closed)));

        HttpResponse<String> robots = page("/ui/admin/robots", null);
        assertThat(robots.statusCode()).isEqualTo(302);
    }

    @Test
    void pullCountsShowOnThePagesAndTheListSortsByThem() throws Exception {
        String prefix = "uipulls" + unique("").replace("-", "");
        String quiet = prefix + "/quiet";
        String busy = prefix + "/busy";
        pushImage(quiet, "v1", ADMIN);
        pushImage(busy, "v1", ADMIN);
        makePublic(quiet);
        makePublic(busy);
        for (int i = 0; i < 3; i++) {
            assertThat(call("GET", "/v2/" + busy + "/manifests/v1", ADMIN, null).statusCode()).isEqualTo(200);
        }
        pulls.flush();

        String repository = page("/ui/repositories/" + busy, null).body();
        assertThat(repository).containsPattern("data-label=\"Pulls\" class=\"num\">3<")
                .doesNotContain(">never<");
        String list = page("/ui/?sort=pulls&q=" + prefix, null).body();
        assertThat(list.indexOf(busy)).as("the most pulled first").isPositive().isLessThan(list.indexOf(quiet));
    }

    @Test
    void aUserSeesWhatTheyMayPullAndNothingElse() throws Exception {
        String user = newUser(PASSWORD, false);
        String own = user + "/" + unique("r");
        String others = "uiothers/" + unique("r");
        pushImage(own, "v1", ADMIN);
        pushImage(others, "v1", ADMIN);
        String cookie = signIn(user, PASSWORD);

        HttpResponse<String> list = page("/ui/", cookie);
        assertThat(list.body()).contains(own).doesNotContain(others).contains(user);
        HttpResponse<String> search = page("/ui/?q=" + encode(own.substring(user.length() + 1)) + "&sort=size",
                cookie);
        assertThat(search.body()).contains(own);
        assertThat(page("/ui/?q=no-such-name-anywhere", cookie).body()).doesNotContain(own);

        HttpResponse<String> ownPage = page("/ui/repositories/" + own, cookie);
        assertThat(ownPage.statusCode()).isEqualTo(200);
        assertThat(ownPage.body()).contains("/ui/tags/delete");
        assertThat(page("/ui/repositories/" + others, cookie).statusCode()).isEqualTo(404);
        assertThat(page("/ui/admin/robots", cookie).statusCode()).isEqualTo(403);
    }

    @Test
    void signInSetsAHardenedCookieAndWrongPasswordsAreRefused() throws Exception {
        String user = newUser(PASSWORD, false);
        HttpResponse<String> wrong = forms().submitSignIn(user, "nope", null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> right = forms().submitSignIn(user, PASSWORD, "//evil.example/");
        assertThat(right.statusCode()).isEqualTo(302);
        assertThat(right.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/ui/"));
        String setCookie = right.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(UiSessions.COOKIE + "=").contains("HttpOnly").contains("SameSite=Lax")
                .contains("Path=/ui").doesNotContain("Secure");
        assertThat(right.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("JSESSIONID"));

        // The session is no bearer token for /v2/ or the admin API.
        String value = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
        assertThat(call("GET", "/api/v1/users/" + user, "Bearer " + value, null).statusCode()).isEqualTo(401);
    }

    @Test
    void formsThatChangeSomethingNeedTheSessionsCsrfToken() throws Exception {
        String user = newUser(PASSWORD, false);
        String repository = user + "/" + unique("r");
        pushImage(repository, "keep", ADMIN);
        pushImage(repository, "drop", ADMIN);
        String cookie = signIn(user, PASSWORD);
        String token = csrf(page("/ui/repositories/" + repository, cookie).body());

        Map<String, String> form = Map.of("repository", repository, "tag", "drop");
        assertThat(post("/ui/tags/delete", cookie, form).statusCode()).isEqualTo(403);
        assertThat(post("/ui/tags/delete", cookie, Map.of("repository", repository, "tag", "drop",
                "_csrf", "forged")).statusCode()).isEqualTo(403);
        // A token is good only with its own session.
        String otherCookie = signIn(newUser(PASSWORD, false), PASSWORD);
        assertThat(post("/ui/tags/delete", otherCookie, Map.of("repository", repository, "tag", "drop",
                "_csrf", token)).statusCode()).isEqualTo(403);
        assertThat(page("/ui/repositories/" + repository, cookie).body()).contains("data-tag=\"drop\"");

        HttpResponse<String> deleted = post("/ui/tags/delete", cookie,
                Map.of("repository", repository, "tag", "drop", "_csrf", token));
        assertThat(deleted.statusCode()).isEqualTo(302);
        String after = page("/ui/repositories/" + repository, cookie).body();
        assertThat(after).contains("data-tag=\"keep\"").doesNotContain("data-tag=\"drop\"");

        // Someone else's valid session and token do not let them delete what they may not manage.
        String otherToken = csrf(page("/ui/", otherCookie).body());
        HttpResponse<String> refused = post("/ui/tags/delete", otherCookie,
                Map.of("repository", repository, "tag", "keep", "_csrf", otherToken));
        assertThat(refused.statusCode()).isEqualTo(403);
    }

    @Test
    void theSignInFormNeedsTheTokenOfTheSessionThatShowedIt() throws Exception {
        String user = newUser(PASSWORD, false);
        // Another site posting credentials of its choosing: no session cookie, or one without the token.
        HttpResponse<String> bare = post("/ui/login", null, Map.of("username", user, "password", PASSWORD));
        assertThat(bare.statusCode()).isEqualTo(403);
        assertThat(page("/ui/", UiForms.cookie(bare)).body()).doesNotContain("Sign out");
        HttpResponse<String> form = page("/ui/login", null);
        String cookie = UiForms.cookie(form);
        assertThat(post("/ui/login", cookie, Map.of("username", user, "password", PASSWORD)).statusCode())
                .isEqualTo(403);
        assertThat(post("/ui/login", cookie, Map.of("username", user, "password", PASSWORD,
                "_csrf", csrf(form.body()))).statusCode()).isEqualTo(302);
    }

    @Test
    void signingOutEndsTheSessionOnTheServerNotOnlyInTheBrowser() throws Exception {
        String user = newUser(PASSWORD, false);
        String cookie = signIn(user, PASSWORD);
        String kept = cookie; // a copy, as a stolen cookie or a second tab would hold
        String home = page("/ui/", cookie).body();
        assertThat(home).contains("Sign out");

        HttpResponse<String> out = post("/ui/logout", cookie, Map.of("_csrf", csrf(home)));
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith(UiSessions.COOKIE + "=;")
                && c.contains("Max-Age=0"));

        // The session is gone from the database: a copy of the cookie signs nobody in.
        HttpResponse<String> again = page("/ui/", kept);
        assertThat(again.body()).doesNotContain("Sign out").contains("Sign in");
        // Signing in again works, with a new session.
        assertThat(page("/ui/", signIn(user, PASSWORD)).body()).contains("Sign out");
    }

    @Test
    void thoseWhoMayPushDescribeTheRepositoryOthersMayNot() throws Exception {
        String owner = newUser(PASSWORD, false);
        String repository = owner + "/" + unique("described");
        pushImage(repository, "v1", ADMIN);
        makePublic(repository);
        String ownerCookie = signIn(owner, PASSWORD);
        String ownerPage = page("/ui/repositories/" + repository, ownerCookie).body();
        assertThat(ownerPage).contains("action=\"/ui/description\"");

        HttpResponse<String> saved = post("/ui/description", ownerCookie, Map.of("_csrf", csrf(ownerPage),
                "repository", repository, "description", "  Builds <the> app \u00e9  "));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
        assertThat(page("/ui/repositories/" + repository, null).body())
                .contains("Builds &lt;the&gt; app \u00e9</p>");
        HttpResponse<String> settings = call("GET", "/api/v1/repositories/" + repository, ADMIN, null);
        assertThat(json(settings).get("description").asString()).isEqualTo("Builds <the> app \u00e9");
        HttpResponse<String> search = call("GET", "/v1/search?q=" + encode("<the>"), null, null);
        assertThat(search.body()).contains(repository);

        // A reader of the public repository sees no form, and a forged post is refused as the admin API refuses it.
        String reader = newUser(PASSWORD, false);
        String readerCookie = signIn(reader, PASSWORD);
        String readerPage = page("/ui/repositories/" + repository, readerCookie).body();
        assertThat(readerPage).doesNotContain("/ui/description");
        HttpResponse<String> refused = post("/ui/description", readerCookie, Map.of("_csrf", csrf(readerPage),
                "repository", repository, "description", "defaced"));
        assertThat(refused.statusCode()).isEqualTo(403);
        HttpResponse<String> tooLong = post("/ui/description", ownerCookie, Map.of("_csrf", csrf(ownerPage),
                "repository", repository, "description", "x".repeat(5000)));
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(json(call("GET", "/api/v1/repositories/" + repository, ADMIN, null)).get("description")
                .asString()).isEqualTo("Builds <the> app \u00e9");
    }

    @Test
    void aDisabledUsersSessionEndsAtOnce() throws Exception {
        String user = newUser(PASSWORD, false);
        String cookie = signIn(user, PASSWORD);
        assertThat(page("/ui/", cookie).body()).contains("Sign out");
        HttpResponse<String> disabled = call("PATCH", "/api/v1/users/" + user, ADMIN, Map.of("disabled", true));
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        assertThat(page("/ui/", cookie).body()).doesNotContain("Sign out").contains("Sign in");
    }

    @Test
    void htmxAndTheStylesheetAreServed() throws Exception {
        assertThat(page("/webjars/htmx.org/dist/htmx.min.js", null).statusCode()).isEqualTo(200);
        assertThat(page("/ui/static/stowage.css", null).statusCode()).isEqualTo(200);
    }

    private void makePublic(String repository) throws Exception {
        HttpResponse<String> response = call("PUT", "/api/v1/repositories/" + repository, ADMIN,
                Map.of("visibility", "public"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void anonymousVisitorsFormsNeedTheirOwnToken() throws Exception {
        // Browsing needs no session; a page with a form (the sign-in) opens one, for its CSRF token.
        assertThat(page("/ui/", null).headers().allValues("Set-Cookie")).isEmpty();
        HttpResponse<String> login = page("/ui/login", null);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(UiSessions.COOKIE + "=").contains("HttpOnly").contains("SameSite=Lax")
                .contains("Path=/ui");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(login.headers().firstValue("Cache-Control")).hasValueSatisfying(
                value -> assertThat(value).contains("no-store"));
        // An anonymous session signs nobody in: signing out is refused without its token, harmless with it.
        assertThat(post("/ui/logout", cookie, Map.of()).statusCode()).isEqualTo(403);
    }
}
