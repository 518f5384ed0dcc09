package io.stowage.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web UI driven over plain HTTP, as a browser without JavaScript would: pages with an optional session cookie,
 * form posts, and signing in through the form (which, like every form, needs the CSRF token of the session that
 * the page handed out).
 */
public final class UiForms {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final HttpClient http;
    private final String baseUrl;

    /** {@code baseUrl}: {@code http://host:port}; the client must not follow redirects. */
    public UiForms(HttpClient http, String baseUrl) {
        this.http = http;
        this.baseUrl = baseUrl;
    }

    public HttpResponse<String> page(String path, String cookie) throws Exception {
        HttpRequest.Builder request = request(path).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts the fields as a form would, without adding a CSRF token: the caller puts one in if it means to. */
    public HttpResponse<String> post(String path, String cookie, Map<String, String> fields) throws Exception {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(encode(k)).append('=')
                .append(encode(v)));
        HttpRequest.Builder request = request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Opens the sign-in page, then posts it with its session and token; the answer is the form post's. */
    public HttpResponse<String> submitSignIn(String user, String password, String next) throws Exception {
        HttpResponse<String> form = page("/ui/login", null);
        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("_csrf", csrf(form.body()));
        fields.put("username", user);
        fields.put("password", password);
        if (next != null) {
            fields.put("next", next);
        }
        return post("/ui/login", cookie(form), fields);
    }

    /** Signs in and answers the session cookie ({@code name=value}) to send with further requests. */
    public String signIn(String user, String password) throws Exception {
        HttpResponse<String> response = submitSignIn(user, password, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        return cookie(response);
    }

    /** The {@code name=value} of the session cookie the response sets. */
    public static String cookie(HttpResponse<?> response) {
        String setCookie = response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(UiSessions.COOKIE + "=")).findFirst().orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    /** The CSRF token of the first form on the page. */
    public static String csrf(String html) {
        Matcher matcher = CSRF.matcher(html);
        assertThat(matcher.find()).as("a CSRF field in " + html).isTrue();
        return matcher.group(1);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(1));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
