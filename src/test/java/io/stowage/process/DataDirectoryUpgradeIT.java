package io.stowage.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL and the data directory are Stowage's alone: password (SCRAM) authentication on loopback,
 * never {@code trust}; signing keys encrypted; files {@code 0600} and directories {@code 0700}. Checked on a new data
 * directory, and on one written by 3d7c1d4 (see {@code src/test/resources/upgrade/README.md}), which is migrated at
 * its first start and still serves every image it held.
 */
class DataDirectoryUpgradeIT {

    private static final String FIXTURE_KID = "-epO6Yjf1kMDEntzdN9RhymYlz6BHHFUR7qPDIFXGW8";
    private static final List<String> TOKEN_AUTH = List.of("--stowage.auth.mode=token");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void newDataDirectoryIsPrivateAndItsDatabaseNeedsThePassword(@TempDir Path parent) throws Exception {
        Path dataDir = parent.resolve("data");
        try (StowageProcess stowage = StowageProcess.start(dataDir, List.of(), TOKEN_AUTH)) {
            assertDatabaseRefusesAllButThePassword(dataDir);
            assertPrivate(dataDir);
            String admin = Files.readString(dataDir.resolve("admin.password")).strip();
            String kid = tokenKid(stowage, admin);
            assertSealedInDatabase(dataDir, kid);
        }
    }

    @Test
    void dataDirectoryOf3d7c1d4IsMigratedAndEveryImageStillPulls(@TempDir Path parent) throws Exception {
        unpackFixture(parent);
        Path dataDir = parent.resolve("data");
        // As 3d7c1d4 left it: the hole this closes is really there.
        assertThat(Files.readString(dataDir.resolve("postgres/pg_hba.conf"))).containsPattern("(?m)^host\\s.*trust");
        assertThat(mode(firstBlob(dataDir))).isEqualTo("rw-r--r--");
        assertThat(Files.exists(dataDir.resolve("postgres.password"))).isFalse();
        String admin = Files.readString(dataDir.resolve("admin.password")).strip();

        List<String> pulledBefore;
        try (StowageProcess stowage = StowageProcess.start(dataDir, List.of(), TOKEN_AUTH)) {
            assertDatabaseRefusesAllButThePassword(dataDir);
            awaitPrivate(dataDir);
            // The key 3d7c1d4 made is the one that still signs: it was sealed, not replaced.
            assertThat(tokenKid(stowage, admin)).isEqualTo(FIXTURE_KID);
            assertSealedInDatabase(dataDir, FIXTURE_KID);
            pulledBefore = pullEverything(stowage, admin);
            assertThat(pulledBefore).contains("team/app:1.0", "team/app:multi", "library/base:latest");
            assertThat(stowage.log()).doesNotContain(" ERROR ");
        }
        // A second start finds the password set and the key sealed, and changes nothing.
        try (StowageProcess stowage = StowageProcess.start(dataDir, List.of(), TOKEN_AUTH)) {
            assertThat(stowage.log()).doesNotContain("Setting the embedded PostgreSQL's superuser password")
                    .doesNotContain("is now stored encrypted");
            assertDatabaseRefusesAllButThePassword(dataDir);
            assertThat(tokenKid(stowage, admin)).isEqualTo(FIXTURE_KID);
            assertThat(pullEverything(stowage, admin)).isEqualTo(pulledBefore);
        }
    }

    private static void unpackFixture(Path parent) throws IOException, InterruptedException {
        Path archive = parent.resolve("data.tar.xz");
        try (InputStream fixture = DataDirectoryUpgradeIT.class.getResourceAsStream("/upgrade/data-3d7c1d4.tar.xz")) {
            Files.copy(fixture, archive);
        }
        // -p: the modes as 3d7c1d4 made them, whatever the umask.
        Process tar = new ProcessBuilder("tar", "-xpJf", archive.toString(), "-C", parent.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as("tar: %s", output).isZero();
    }

    /** No password, a wrong one and another user are refused; the generated password from the file gets in. */
    private static void assertDatabaseRefusesAllButThePassword(Path dataDir) throws IOException, SQLException {
        String hba = Files.readString(dataDir.resolve("postgres/pg_hba.conf"));
        assertThat(hba.lines().filter(l -> !l.isBlank() && !l.startsWith("#")))
                .isNotEmpty().allMatch(l -> l.strip().endsWith("scram-sha-256"));
        String url = "jdbc:postgresql://127.0.0.1:" + port(dataDir) + "/postgres";
        assertThatThrownBy(() -> connect(url, "postgres", null)).isInstanceOf(SQLException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(() -> connect(url, "postgres", "postgres")).isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
        assertThatThrownBy(() -> connect(url, "nobody", null)).isInstanceOf(SQLException.class);
        String password = Files.readString(dataDir.resolve("postgres.password")).strip();
        try (Connection connection = connect(url, "postgres", password);
             ResultSet rs = connection.createStatement().executeQuery(
                     "select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = 'postgres'")) {
            assertThat(rs.next() && rs.getBoolean(1)).as("the stored password is a SCRAM verifier").isTrue();
        }
        // Nothing listens on a Unix socket, where a local user could try its luck too.
        try (Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
            assertThat(tmp.map(p -> p.getFileName().toString())).doesNotContain(".s.PGSQL." + port(dataDir));
        }
    }

    /** The private halves in the database are JWEs under a key that is not there: a dump alone mints nothing. */
    private static void assertSealedInDatabase(Path dataDir, String kid) throws Exception {
        String password = Files.readString(dataDir.resolve("postgres.password")).strip();
        try (Connection connection = connect("jdbc:postgresql://127.0.0.1:" + port(dataDir) + "/postgres", "postgres",
                password);
             ResultSet rs = connection.createStatement().executeQuery(
                     "select kid, private_key, private_key_sealed from signing_keys")) {
            List<String> kids = new ArrayList<>();
            while (rs.next()) {
                kids.add(rs.getString(1));
                assertThat(rs.getBytes(2)).as("no unencrypted private key").isNull();
                JWEObject sealed = JWEObject.parse(rs.getString(3));
                assertThat(sealed.getHeader().getAlgorithm().getName()).isEqualTo("dir");
                assertThat(sealed.getHeader().getEncryptionMethod().getName()).isEqualTo("A256GCM");
            }
            assertThat(kids).contains(kid);
        }
    }

    private static void assertPrivate(Path dataDir) throws IOException {
        assertThat(mode(dataDir)).isEqualTo("rwx------");
        for (String secret : List.of("admin.password", "postgres.password", "signing-keys.key")) {
            assertThat(mode(dataDir.resolve(secret))).as(secret).isEqualTo("rw-------");
        }
        assertThat(mode(dataDir.resolve("postgres-binaries"))).isEqualTo("rwx------");
        try (Stream<Path> tree = Files.walk(dataDir.resolve("storage"))) {
            for (Path path : (Iterable<Path>) tree::iterator) {
                assertThat(mode(path)).as(path.toString())
                        .isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
            }
        }
    }

    /** Permissions of an upgraded store are narrowed in the background, so as not to hold up the start. */
    private static void awaitPrivate(Path dataDir) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                assertPrivate(dataDir);
                return;
            } catch (AssertionError notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw notYet;
                }
                Thread.sleep(200);
            }
        }
    }

    /** The {@code kid} of a token the token endpoint issues the administrator now. */
    private String tokenKid(StowageProcess stowage, String adminPassword) throws Exception {
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(stowage.baseUrl()
                        + "/auth/token?service=stowage&scope=repository:team/app:pull"))
                .header("Authorization", basic(adminPassword)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return SignedJWT.parse(JSON.readTree(token.body()).get("token").asText()).getHeader().getKeyID();
    }

    /**
     * Pulls every tag of every repository in the catalog: each manifest, the manifests an index lists, each config
     * and layer, and the referrers, checking every digest; returns {@code repository:tag} of what it pulled.
     */
    private List<String> pullEverything(StowageProcess stowage, String adminPassword) throws Exception {
        String auth = basic(adminPassword);
        List<String> pulled = new ArrayList<>();
        for (JsonNode repository : json(stowage, "/v2/_catalog", auth).get("repositories")) {
            String name = repository.asText();
            for (JsonNode tag : json(stowage, "/v2/" + name + "/tags/list", auth).get("tags")) {
                Set<String> seen = new LinkedHashSet<>();
                pullManifest(stowage, auth, name, tag.asText(), seen);
                pulled.add(name + ":" + tag.asText());
            }
        }
        JsonNode referrers = json(stowage, "/v2/team/app/referrers/" + manifestDigest(stowage, auth, "team/app", "1.0"),
                auth);
        assertThat(referrers.get("manifests")).hasSize(1);
        return pulled;
    }

    private void pullManifest(StowageProcess stowage, String auth, String repository, String reference,
                              Set<String> seen) throws Exception {
        HttpResponse<byte[]> response = get(stowage, "/v2/" + repository + "/manifests/" + reference, auth);
        assertThat(response.statusCode()).as(repository + ":" + reference).isEqualTo(200);
        String digest = sha256(response.body());
        assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        if (!seen.add(digest)) {
            return;
        }
        JsonNode manifest = JSON.readTree(response.body());
        if (manifest.has("manifests")) {
            for (JsonNode child : manifest.get("manifests")) {
                pullManifest(stowage, auth, repository, child.get("digest").asText(), seen);
            }
            return;
        }
        List<JsonNode> blobs = new ArrayList<>();
        blobs.add(manifest.get("config"));
        manifest.get("layers").forEach(blobs::add);
        for (JsonNode blob : blobs) {
            HttpResponse<byte[]> bytes = get(stowage, "/v2/" + repository + "/blobs/" + blob.get("digest").asText(),
                    auth);
            assertThat(bytes.statusCode()).isEqualTo(200);
            assertThat(bytes.body()).hasSize(blob.get("size").asInt());
            assertThat(sha256(bytes.body())).isEqualTo(blob.get("digest").asText());
        }
    }

    private String manifestDigest(StowageProcess stowage, String auth, String repository, String tag)
            throws Exception {
        return sha256(get(stowage, "/v2/" + repository + "/manifests/" + tag, auth).body());
    }

    private JsonNode json(StowageProcess stowage, String path, String auth) throws Exception {
        HttpResponse<byte[]> response = get(stowage, path, auth);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<byte[]> get(StowageProcess stowage, String path, String auth) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(stowage.baseUrl() + path)).header("Authorization", auth)
                .header("Accept", "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json,"
                        + " application/vnd.docker.distribution.manifest.v2+json,"
                        + " application/vnd.docker.distribution.manifest.list.v2+json")
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url, properties);
    }

    /** The embedded server's port, from its {@code postmaster.pid} (fourth line). */
    private static int port(Path dataDir) throws IOException {
        return Integer.parseInt(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(3).strip());
    }

    private static Path firstBlob(Path dataDir) throws IOException {
        try (Stream<Path> tree = Files.walk(dataDir.resolve("storage/blobs"))) {
            return tree.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static String basic(String adminPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
