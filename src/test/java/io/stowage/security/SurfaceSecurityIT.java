package io.stowage.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.stowage.admin.AdminApiTestBase;
import io.stowage.auth.TokenAuth;
import io.stowage.ui.UiForms;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * What Spring Security's chains refuse on every surface, over real HTTP with token auth on: paths that mean one thing
 * to the servlet container and another to Spring MVC, pages that could be framed, a CSRF token in the query string,
 * and sessions that outlive their credentials (issue 14's first acceptance item).
 */
@TokenAuth
class SurfaceSecurityIT extends AdminApiTestBase {

    private static final String PASSWORD = "pw-surface-1";

    /**
     * {@code /v2;x/} answered 200 to anyone before (the filters matched the raw URI, Spring MVC dropped the
     * parameter), and the other paths reached controllers that failed with 500. Each is now 400 with its surface's
     * body; none is 200 or 5xx.
     */
    @Test
    void pathParametersAndEncodedSeparatorsAreRefusedWithTheSurfacesError() throws Exception {
        String repository = uniqueRepository("firewall");
        SoftAssertions softly = new SoftAssertions();
        for (String path : List.of("/v2;x/", "/v2;x/_catalog", "/v2/_catalog;x", "/v2/" + repository + ";x/tags/list",
                "/v2/" + repository + "/manifests/latest;x=1", "/v2/" + repository + "/blobs/uploads/..",
                "/v2/" + repository + "/%2e%2e/tags/list", "/v2/" + repository + "%2ftags/list",
                "/v2/" + repository + "%5ctags/list", "/v2/" + repository + "/tags%25list", "/v1/search;x?q=a",
                "/v2//_catalog")) {
            for (String auth : new String[] {null, ADMIN}) {
                HttpResponse<String> response = raw("GET", path, auth);
                softly.assertThat(response.statusCode()).as("%s %s", path, auth == null ? "anonymous" : "admin")
                        .isEqualTo(400);
                softly.assertThat(response.body()).as("%s: an OCI error body", path).startsWith("{\"errors\":[{\"code\"");
            }
        }
        for (String path : List.of("/api/v1;x/users", "/api/v1/users;x", "/api/v1/%2e%2e/users")) {
            HttpResponse<String> response = raw("GET", path, ADMIN);
            softly.assertThat(response.statusCode()).as(path).isEqualTo(400);
            softly.assertThat(response.headers().firstValue("Content-Type")).as(path)
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        }
        for (String path : List.of("/ui;x/", "/ui/;x", "/ui/repositories;x/a")) {
            HttpResponse<String> response = raw("GET", path, null);
            softly.assertThat(response.statusCode()).as(path).isEqualTo(400);
        }
        softly.assertAll();
    }

    @Test
    void everyUiPageCarriesTheSecurityHeaders() throws Exception {
        String user = newUser(PASSWORD, false);
        String session = forms().signIn(user, PASSWORD);
        String admin = forms().signIn(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);
        SoftAssertions softly = new SoftAssertions();
        Map<String, String> pages = Map.of(
                "/ui/", session, "/ui/login", "", "/ui/repositories/nobody/nothing", session,
                "/ui/admin/users", admin, "/ui/admin/robots", session, "/ui/no-such-page", "",
                "/ui/admin/storage", admin);
        pages.forEach((path, cookie) -> {
            HttpResponse<String> page = page(path, cookie.isEmpty() ? null : cookie);
            softly.assertThat(page.statusCode()).as(path).isLessThan(500);
            softly.assertThat(page.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            softly.assertThat(page.headers().firstValue("Content-Security-Policy")).as(path)
                    .hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'")
                            .contains("form-action 'self'"));
            softly.assertThat(page.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            softly.assertThat(page.headers().firstValue("Referrer-Policy")).as(path).hasValue("same-origin");
            softly.assertThat(page.headers().firstValue("Cache-Control")).as(path)
                    .hasValueSatisfying(cache -> assertThat(cache).contains("no-store"));
        });
        softly.assertAll();
    }

    @Test
    void aCsrfTokenInTheQueryStringIsRefused() throws Exception {
        String user = newUser(PASSWORD, false);
        String session = forms().signIn(user, PASSWORD);
        String token = UiForms.csrf(page("/ui/", session).body());

        HttpResponse<String> inQuery = forms().post("/ui/logout?_csrf=" + encode(token), session, Map.of());
        assertThat(inQuery.statusCode()).isEqualTo(403);
        HttpResponse<String> encodedName = forms().post("/ui/logout?%5Fcsrf=" + encode(token), session, Map.of());
        assertThat(encodedName.statusCode()).isEqualTo(403);
        // Both, query and form: refused too (the query's copy has leaked already).
        HttpResponse<String> both = forms().post("/ui/logout?_csrf=" + encode(token), session,
                Map.of("_csrf", token));
        assertThat(both.statusCode()).isEqualTo(403);
        assertThat(page("/ui/", session).body()).as("still signed in").contains("Sign out");

        HttpResponse<String> inForm = forms().post("/ui/logout", session, Map.of("_csrf", token));
        assertThat(inForm.statusCode()).isEqualTo(302);
        assertThat(page("/ui/", session).body()).doesNotContain("Sign out");
    }

    /**
     * Sessions used to survive a password change or reset for their whole 8 h, and a deleted user's cookie signed in
     * a new user of the same name. Each change now ends the account's sessions at once.
     */
    @Test
    void aSessionEndsAtOnceWhenItsPasswordChangesOrItsAccountIsDisabledOrDeleted() throws Exception {
        String changed = newUser(PASSWORD, false);
        String session = signedIn(changed);
        patch(changed, Map.of("password", "pw-surface-2"));
        assertSignedOut(session, "after a password change");
        assertThat(page("/ui/", forms().signIn(changed, "pw-surface-2")).body()).contains("Sign out");

        String disabled = newUser(PASSWORD, false);
        session = signedIn(disabled);
        patch(disabled, Map.of("disabled", true));
        patch(disabled, Map.of("disabled", false));
        assertSignedOut(session, "after a disable, even once enabled again");

        String deleted = newUser(PASSWORD, false);
        session = signedIn(deleted);
        assertThat(call("DELETE", "/api/v1/users/" + deleted, ADMIN, null).statusCode()).isEqualTo(204);
        assertSignedOut(session, "after a delete");
        HttpResponse<String> again = call("POST", "/api/v1/users", ADMIN,
                Map.of("username", deleted, "password", "pw-surface-3"));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        assertSignedOut(session, "after a delete and a new user of the same name");

        // The user changing their own password through the API signs themselves out too.
        String self = newUser(PASSWORD, false);
        session = signedIn(self);
        HttpResponse<String> own = call("PATCH", "/api/v1/users/" + self, basic(self, PASSWORD),
                Map.of("password", "pw-surface-4"));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertSignedOut(session, "after changing one's own password");
    }

    /**
     * The UI's session cookie sent along to the stateless surfaces (as a script or a proxy that forwards every cookie
     * does) is not theirs: they neither re-issue that session's id, which signed the browser out, nor set a cookie.
     */
    @Test
    void theStatelessSurfacesLeaveTheUisSessionAlone() throws Exception {
        String user = newUser(PASSWORD, false);
        String session = signedIn(user);
        String repository = user + "/" + uniqueRepository("session");
        for (String path : List.of("/v2/", "/v2/" + repository + "/tags/list", "/v1/search?q=" + user,
                "/auth/token?scope=repository:" + repository + ":pull",
                "/api/v1/users/" + user)) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .header("Authorization", basic(user, PASSWORD)).header("Cookie", session).GET().build());
            assertThat(response.statusCode()).as("%s: %s", path, response.body()).isLessThan(500);
            assertThat(response.headers().allValues("Set-Cookie")).as(path).isEmpty();
        }
        assertThat(page("/ui/", session).body()).as("still signed in").contains("Sign out");
    }

    private String signedIn(String user) throws Exception {
        String session = forms().signIn(user, PASSWORD);
        assertThat(page("/ui/", session).body()).contains("Sign out");
        return session;
    }

    private void assertSignedOut(String session, String when) {
        assertThat(page("/ui/", session).body()).as(when).doesNotContain("Sign out").contains("Sign in");
    }

    private void patch(String user, Map<String, Object> changes) throws Exception {
        HttpResponse<String> response = call("PATCH", "/api/v1/users/" + user, ADMIN, changes);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private UiForms forms() {
        return new UiForms(http, baseUrl());
    }

    private HttpResponse<String> page(String path, String cookie) {
        try {
            return forms().page(path, cookie);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request whose path is sent exactly as given (HttpClient keeps ';' and percent-escapes as they are). */
    private HttpResponse<String> raw(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }
}
