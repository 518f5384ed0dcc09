package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.stream.Stream;

import io.stowage.auth.TokenAuth;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * PostgreSQL stopped under a running Stowage: the admin API answers 503 problem details with {@code Retry-After}, from
 * the controllers (a read, a transactional write) and from the authentication filter (a sign-in that must look the
 * account up), never 500; once the database is back, the same requests succeed. The database is this test's own,
 * stopped and started again on the same port and data directory, so no other test loses the shared one; the context
 * is closed after the class.
 */
@TokenAuth
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "stowage.gc.enabled=false",
        // Hikari waits 30 s for a connection by default; the outage must show within a test's patience.
        "spring.datasource.hikari.connection-timeout=1000",
        "spring.datasource.hikari.validation-timeout=500"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AdminDatabaseOutageIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString(
            (TokenAuth.ADMIN + ":" + TokenAuth.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));

    private static Path databaseDir;
    private static Path dataDir;
    private static EmbeddedPostgres database;

    @LocalServerPort
    private int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) throws IOException {
        databaseDir = Files.createTempDirectory("stowage-outage-pg");
        dataDir = Files.createTempDirectory("stowage-outage-data");
        // Not cleaned on close: the same cluster is started again after the outage.
        database = EmbeddedPostgres.builder().setDataDirectory(databaseDir).setCleanDataDirectory(false).start();
        String url = database.getJdbcUrl("postgres", "postgres");
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "postgres");
        registry.add("stowage.data-dir", dataDir::toString);
    }

    @AfterAll
    static void removeDatabase() throws IOException {
        database.close();
        for (Path dir : new Path[] {databaseDir, dataDir}) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void everyAnswerDuringAnOutageIs503WithRetryAfterAndTheApiRecovers() throws Exception {
        // Signed in once before: the filter remembers the credentials and lets the request reach the controller.
        assertThat(get("/api/v1/users", ADMIN).statusCode()).isEqualTo(200);
        int databasePort = database.getPort();

        database.close();

        assertUnavailable(get("/api/v1/users", ADMIN));
        assertUnavailable(send(request("/api/v1/users", ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"during\",\"password\":\"pw\"}"))));
        assertUnavailable(get("/api/v1/audit?n=1", ADMIN));
        // Wrong credentials are not remembered: the filter must ask the database, which does not answer.
        assertUnavailable(get("/api/v1/users", "Basic " + Base64.getEncoder().encodeToString(
                "admin:wrong".getBytes(StandardCharsets.UTF_8))));

        database = EmbeddedPostgres.builder().setDataDirectory(databaseDir).setCleanDataDirectory(false)
                .setPort(databasePort).start();

        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        HttpResponse<String> after;
        do {
            after = get("/api/v1/users", ADMIN);
        } while (after.statusCode() == 503 && Instant.now().isBefore(deadline));
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        HttpResponse<String> created = send(request("/api/v1/users", ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"after\",\"password\":\"pw\"}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private static void assertUnavailable(HttpResponse<String> response) {
        String path = response.request().uri().getRawPath();
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("error").asString()).isEqualTo("unavailable");
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("instance").asString()).isEqualTo(path);
    }

    private HttpRequest.Builder request(String path, String authorization) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", authorization);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return send(request(path, authorization).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
