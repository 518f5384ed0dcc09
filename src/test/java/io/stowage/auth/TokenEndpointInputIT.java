package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.accounts.AuditLog;
import io.stowage.accounts.Users;
import io.stowage.distribution.RegistryClient;
import io.stowage.metadata.AuditEvent;
import io.stowage.metadata.AuditRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * What a client may send the token endpoint that it does not expect, over real HTTP: usernames that would forge audit
 * log lines, bodies and methods it does not take, and requests for thousands of scopes. Each gets a 4xx with the
 * endpoint's OAuth2-style JSON, never a 500, and leaves the logs one line per event.
 */
@TokenAuth
@ExtendWith(OutputCaptureExtension.class)
class TokenEndpointInputIT extends RegistryTestBase {

    private static final List<String> LOCAL_ADDRESSES = List.of("127.0.0.1", "0:0:0:0:0:0:0:1");

    @Autowired
    private AuditRecords audit;
    @Autowired
    private LoginThrottle throttle;
    @Autowired
    private Users users;

    @BeforeEach
    @AfterEach
    void forgetFailuresOfThisMachine() {
        LOCAL_ADDRESSES.forEach(throttle::forgetAddress);
    }

    /** Finding 3: a username with CR/LF, sent by anyone, must not start log lines of its own. */
    @Test
    void aUsernameCannotForgeAuditLogLines(CapturedOutput output) throws Exception {
        String marker = UUID.randomUUID().toString();
        for (String breaker : List.of("\r\n", "\n", "\r", "\u2028", "\u0085")) {
            String username = "x" + marker + breaker + "INFO forged " + marker;
            HttpResponse<String> response = post("grant_type=password&username="
                    + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password=wrong");
            assertThat(response.statusCode()).isEqualTo(401);
        }
        List<String> lines = output.getAll().lines().filter(line -> line.contains(marker)).toList();
        assertThat(lines).as("the audit lines").hasSize(5).allSatisfy(line -> assertThat(line).contains("audit: x"));
        assertThat(output.getAll().split("[\\r\\n\\u2028\\u2029\\u0085]")).as("no line starts with the forged text")
                .noneMatch(line -> line.startsWith("INFO forged"));
        // The database keeps exactly what was sent.
        List<AuditEvent> events = audit.list(null, null, AuditLog.LOGIN_FAILED, 50).stream()
                .filter(event -> event.actor().contains(marker)).toList();
        assertThat(events).extracting(AuditEvent::actor)
                .contains("x" + marker + "\r\nINFO forged " + marker, "x" + marker + "\u2028INFO forged " + marker);
    }

    /** Finding 5: a JSON body (or any but a form) is the client's mistake, answered in OAuth2's shape. */
    @Test
    void anyBodyButAFormIsRefusedWithTheEndpointsErrorBody() throws Exception {
        for (String type : List.of("application/json", "text/plain", "multipart/form-data; boundary=x",
                "application/xml", "nonsense", ";;;")) {
            HttpResponse<String> response = send(request("/auth/token").header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertOAuthError(response, 415, "invalid_request");
        }
        HttpResponse<String> untyped = send(request("/auth/token").POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
        assertOAuthError(untyped, 415, "invalid_request");
        // A form with a charset is still a form.
        HttpResponse<String> form = send(request("/auth/token")
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=nonsense")).build());
        assertOAuthError(form, 400, "unsupported_grant_type");
        assertOAuthError(post("grant_type=password&username=%zz"), 400, "invalid_request");
    }

    @Test
    void otherMethodsAndAcceptHeadersGetTheEndpointsErrorBodyOrItsAnswer() throws Exception {
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
            HttpResponse<String> response = send(request("/auth/token").method(method,
                    HttpRequest.BodyPublishers.ofString("x")).header("Content-Type", "text/plain").build());
            assertOAuthError(response, 405, "invalid_request");
            assertThat(response.headers().firstValue("Allow")).hasValueSatisfying(
                    allow -> assertThat(allow).contains("GET").contains("POST"));
        }
        for (String accept : List.of("text/html", "application/xml", "nonsense")) {
            HttpResponse<String> token = send(request("/auth/token").header("Accept", accept).GET().build());
            assertThat(token.statusCode()).as("GET /auth/token, Accept: %s: %s", accept, token.body()).isEqualTo(200);
            assertThat(RegistryClient.json(token.body()).get("token").asString()).isNotEmpty();
            HttpResponse<String> keys = send(request("/auth/jwks.json").header("Accept", accept).GET().build());
            assertThat(keys.statusCode()).as("jwks, Accept: %s", accept).isEqualTo(200);
            assertThat(keys.body()).contains("\"keys\"");
        }
    }

    /** Finding 6: a request for 20,000 scopes is refused before any of them is looked up. */
    @Test
    void thousandsOfScopesAreRefusedAtOnce() throws Exception {
        String[] many = new String[20_000];
        for (int i = 0; i < many.length; i++) {
            many[i] = "repository:team/app-" + i + ":pull";
        }
        String password = "pw-" + UUID.randomUUID();
        String user = "scopes" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(users.create(user, password, false)).isTrue();
        String scopes = URLEncoder.encode(String.join(" ", many), StandardCharsets.UTF_8);

        long started = System.nanoTime();
        HttpResponse<String> post = post("grant_type=password&username=" + user + "&password=" + password
                + "&service=stowage&scope=" + scopes);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertOAuthError(post, 400, "invalid_scope");
        assertThat(post.body().length()).as("the answer's size").isLessThan(1000);
        // The generous bound of the finding (it took 1.9 s): a refusal is not 20,000 lookups.
        assertThat(millis).as("milliseconds for the refusal").isLessThan(1500);

        // Anonymous GET: each scope its own parameter, or a few parameters holding many.
        StringBuilder query = new StringBuilder("/auth/token?service=stowage");
        for (int i = 0; i < 101; i++) {
            query.append("&scope=").append(URLEncoder.encode(many[i], StandardCharsets.UTF_8));
        }
        assertOAuthError(send(request(query.toString()).GET().build()), 400, "invalid_scope");
        String packed = URLEncoder.encode(String.join(" ", Arrays.copyOf(many, 150)), StandardCharsets.UTF_8);
        assertOAuthError(send(request("/auth/token?scope=" + packed).GET().build()), 400, "invalid_scope");
    }

    /** Finding 6: the token stays small enough for the Authorization header that must carry it (8 KiB). */
    @Test
    void scopesThatWouldMakeATokenLargerThan8KiBAreRefused() throws Exception {
        List<String> scopes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            scopes.add("repository:team/a-repository-name-for-the-token-size-%02d:pull".formatted(i));
        }
        // 6,000 characters asked for, within the count; the token naming them all would be about 12 KiB.
        assertThat(String.join("", scopes)).hasSize(6000);
        assertOAuthError(tokenFor(scopes), 400, "invalid_scope");
        // 9,000 characters: refused before any lookup.
        List<String> longer = scopes.stream()
                .map(scope -> scope.replace("team/", "team/longer-names-still-and-longer/")).toList();
        assertOAuthError(tokenFor(longer), 400, "invalid_scope");
        // What clients really ask for, e.g. a push with two mounts, and many more still, is fine.
        HttpResponse<String> fine = tokenFor(scopes.subList(0, 40));
        assertThat(fine.statusCode()).as(fine.body()).isEqualTo(200);
        String token = RegistryClient.json(fine.body()).get("token").asString();
        assertThat(token.length()).isLessThanOrEqualTo(TokenIssuer.MAX_TOKEN_CHARS);
        HttpResponse<String> used = send(request("/v2/").header("Authorization", "Bearer " + token).GET().build());
        assertThat(used.statusCode()).isEqualTo(200);
    }

    /** The administrator's token for these scopes, asked for with POST: so many would not fit in a GET's URL. */
    private HttpResponse<String> tokenFor(List<String> scopes) throws Exception {
        return post("grant_type=password&service=stowage&username=" + TokenAuth.ADMIN + "&password="
                + URLEncoder.encode(TokenAuth.ADMIN_PASSWORD, StandardCharsets.UTF_8) + "&scope="
                + URLEncoder.encode(String.join(" ", scopes), StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String form) throws Exception {
        return send(request("/auth/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static void assertOAuthError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as("%s %s: %s", response.request().method(), response.request().uri(),
                response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = RegistryClient.json(response.body());
        assertThat(body.get("error").asString()).isEqualTo(error);
        assertThat(body.get("error_description").asString()).isNotBlank();
    }
}
