package io.stowage.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stowage.admin.AdminApiTestBase;

/**
 * Helpers for the web UI tests (each annotated {@code @TokenAuth}): pages and form posts over real HTTP with a
 * session cookie, signing in through {@code /ui/login}, and the CSRF token a page's forms carry.
 */
abstract class UiTestBase extends AdminApiTestBase {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    /** Signs in through the login form; the {@code name=value} of the session cookie it sets. */
    protected String signIn(String user, String password) throws Exception {
        HttpResponse<String> response = post("/ui/login", null, Map.of("username", user, "password", password));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** The CSRF token of the first form in the page. */
    protected static String csrf(String html) {
        Matcher matcher = CSRF.matcher(html);
        assertThat(matcher.find()).as("a CSRF field in " + html).isTrue();
        return matcher.group(1);
    }

    /** GETs a page, with the session cookie unless it is null. */
    protected HttpResponse<String> page(String path, String cookie) throws Exception {
        HttpRequest.Builder request = request(path).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request.build());
    }

    /** POSTs a form, with the session cookie unless it is null. */
    protected HttpResponse<String> post(String path, String cookie, Map<String, String> fields) throws Exception {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(encode(k)).append('=')
                .append(encode(v)));
        HttpRequest.Builder request = request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request.build());
    }
}
