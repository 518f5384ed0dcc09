package io.stowage.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stowage.admin.AdminApiTestBase;
import org.junit.jupiter.api.Test;

/**
 * The web UI with {@code stowage.auth.mode=none}: every repository shows, nobody signs in, and forms still need the
 * visitor's CSRF token, so that a page on another site cannot delete tags through the browser of someone who can
 * reach an open registry.
 */
class UiOpenModeIT extends AdminApiTestBase {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @Test
    void everythingShowsWithoutSignInAndFormsStillNeedTheirToken() throws Exception {
        String repository = uniqueRepository("ui-open");
        pushImage(repository, "keep", ADMIN); // credentials are ignored with auth off
        pushImage(repository, "drop", ADMIN);

        HttpResponse<String> list = send(request("/ui/").GET().build());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(repository).doesNotContain("Sign in").doesNotContain("Sign out");
        assertThat(send(request("/ui/login").GET().build()).statusCode()).isEqualTo(302);

        HttpResponse<String> page = send(request("/ui/repositories/" + repository).GET().build());
        assertThat(page.statusCode()).isEqualTo(200);
        String setCookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        Matcher token = CSRF.matcher(page.body());
        assertThat(token.find()).isTrue();

        String form = "repository=" + encode(repository) + "&tag=drop";
        assertThat(post(form, null).statusCode()).isEqualTo(403);
        assertThat(post(form + "&_csrf=" + encode(token.group(1)), null).statusCode()).isEqualTo(403);
        assertThat(post(form + "&_csrf=" + encode(token.group(1)), cookie).statusCode()).isEqualTo(302);
        assertThat(send(request("/v2/" + repository + "/manifests/drop").GET().build()).statusCode())
                .isEqualTo(404);
    }

    private HttpResponse<String> post(String form, String cookie) throws Exception {
        HttpRequest.Builder request = request("/ui/tags/delete")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request.build());
    }
}
