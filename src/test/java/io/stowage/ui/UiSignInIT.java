package io.stowage.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;

/**
 * Finding 5: where the sign-in form sends the visitor afterwards is the visitor's text ({@code next}); it used to be
 * expanded as a URI template, so {@code next=/ui/{x}} answered 500 after the session cookie was set.
 */
@TokenAuth
class UiSignInIT extends UiTestBase {

    private static final String PASSWORD = "sign-in-password-1";

    @Test
    void theAddressToGoBackToIsNeverATemplate() throws Exception {
        String user = newUser(PASSWORD, false);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("/ui/{x}", "/ui/{x}");
        expected.put("/ui/repositories/{name}/-/manifests/{reference}?page={page}",
                "/ui/repositories/{name}/-/manifests/{reference}?page={page}");
        expected.put("/ui/%7Bx%7D", "/ui/%7Bx%7D");
        expected.put("/ui/{", "/ui/{");
        expected.put("/ui/repositories?sort=pulls&n=50", "/ui/repositories?sort=pulls&n=50");
        // Not an address a browser sends (raw non-ASCII, spaces), or another site: the home page instead.
        expected.put("/ui/caf\u00e9", "/ui/");
        expected.put("/ui/a b", "/ui/");
        expected.put("//elsewhere.example/ui/", "/ui/");
        for (Map.Entry<String, String> next : expected.entrySet()) {
            HttpResponse<String> response = forms().submitSignIn(user, PASSWORD, next.getKey());
            assertThat(response.statusCode()).as("next=%s: %s", next.getKey(), response.body()).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).as("next=%s", next.getKey())
                    .hasValueSatisfying(location -> assertThat(location).endsWith(next.getValue())
                            .doesNotContain("username").doesNotContain("visitor"));
            String cookie = UiForms.cookie(response);
            assertThat(page("/ui/", cookie).body()).as("the session works").contains("Sign out");
        }
    }

    @Test
    void aFailedSignInSetsNoSession() throws Exception {
        String user = newUser(PASSWORD, false);
        HttpResponse<String> wrong = forms().submitSignIn(user, "wrong", "/ui/{x}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().allValues("Set-Cookie")).noneMatch(
                cookie -> cookie.startsWith(UiSessions.COOKIE + "=") && !cookie.startsWith(UiSessions.COOKIE + "=;"));
    }
}
