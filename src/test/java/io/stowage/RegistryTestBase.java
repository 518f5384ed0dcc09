package io.stowage;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.stowage.config.StowageProperties;
import io.stowage.storage.s3.S3StoredObjects;
import io.stowage.storage.s3.S3TestServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: Stowage on a random port over real HTTP, real PostgreSQL
 * ({@link TestDatabase}) and filesystem storage in a fresh directory, or S3 when the subclass is annotated
 * {@code @S3Storage}. All subclasses of a backend share one application context, so each test uses repository
 * names of its own ({@link #uniqueRepository}). Authentication is off ({@code stowage.auth.mode=none}) unless the
 * subclass is annotated {@code @TokenAuth}.
 */
// The scheduled collector stays off: every test class shares this context and leaves unreferenced content behind
// on purpose; GcIT runs passes itself, scoped to its own repositories.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"stowage.auth.mode=none", "stowage.gc.enabled=false"})
public abstract class RegistryTestBase {

    private static final Path DATA_DIR;

    static {
        try {
            DATA_DIR = Files.createTempDirectory("stowage-it-data");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @LocalServerPort
    protected int port;

    @Autowired
    private StowageProperties properties;

    protected final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @DynamicPropertySource
    static void registryProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", TestDatabase::jdbcUrl);
        registry.add("spring.datasource.username", TestDatabase::username);
        registry.add("spring.datasource.password", TestDatabase::password);
        registry.add("stowage.data-dir", DATA_DIR::toString);
    }

    /** {@code http://localhost:<port>} */
    protected String baseUrl() {
        return "http://localhost:" + port;
    }

    /** {@code localhost:<port>}, as clients such as skopeo name the registry. */
    protected String registryHost() {
        return "localhost:" + port;
    }

    /** The directory holding the filesystem storage ({@code <data-dir>/storage}). */
    protected static Path storageRoot() {
        return DATA_DIR.resolve("storage");
    }

    /** What the running registry's storage backend holds, to check dedup and cleanup whatever the backend. */
    protected StoredObjects storedObjects() {
        return switch (properties.storage().type()) {
            case FILESYSTEM -> new FilesystemStoredObjects(storageRoot());
            case S3 -> new S3StoredObjects(S3TestServer.client(), properties.storage().s3().bucket());
        };
    }

    /** A repository name no other test uses, e.g. {@code test/blobs-1a2b3c4d}. */
    protected static String uniqueRepository(String prefix) {
        return "test/" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofMinutes(5));
    }

    protected HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
