package io.stowage.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Token auth across processes from the packaged jar. Nodes a and b share one PostgreSQL (so one set of signing keys)
 * and one blob directory, as a cluster behind a load balancer: a token either node issued works on the other. Node c
 * has a database of its own and its own issuer name, and trusts a's issuer through a's published JWK set: it takes a's
 * tokens for what they grant, nothing more, and refuses tokens signed by any other key.
 */
class TwoNodeTokenIT {

    private static final String SCHEMA = "stowage_two_token";
    // A schema no other node uses: to node c it is a database of its own (its own keys, users and content).
    private static final String THIRD_SCHEMA = "stowage_third_token";
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "two-node-admin-password";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Path dir;
    private static StowageProcess a;
    private static StowageProcess b;
    private static StowageProcess c;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startNodes() throws Exception {
        dir = Files.createTempDirectory("stowage-two-token");
        Path sharedBlobs = dir.resolve("shared-blobs");
        a = node("a", SCHEMA, "--stowage.storage.filesystem.root=" + sharedBlobs);
        // b starts while c does (a has set the shared schema up, c has one of its own).
        CompletableFuture<StowageProcess> startingB = CompletableFuture.supplyAsync(() -> {
            try {
                return node("b", SCHEMA, "--stowage.storage.filesystem.root=" + sharedBlobs);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        try {
            HttpResponse<String> jwks = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(a.baseUrl() + "/auth/jwks.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(jwks.statusCode()).isEqualTo(200);
            Path keys = Files.writeString(dir.resolve("node-a-jwks.json"), jwks.body());
            c = node("c", THIRD_SCHEMA,
                    "--stowage.auth.issuer=other",
                    "--stowage.auth.trusted-issuers[0].issuer=stowage",
                    "--stowage.auth.trusted-issuers[0].keys=" + keys);
        } finally {
            b = startingB.join(); // assigned even when c failed, so that it is stopped
        }
    }

    @AfterAll
    static void stopNodes() throws Exception {
        for (StowageProcess node : new StowageProcess[] {a, b, c}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void tokenOfEitherClusterNodeIsAcceptedByTheOther() throws Exception {
        for (StowageProcess[] pair : new StowageProcess[][] {{a, b}, {b, a}}) {
            StowageProcess issuer = pair[0];
            StowageProcess other = pair[1];
            String repository = "cluster/app-" + UUID.randomUUID().toString().substring(0, 8);
            String token = token(issuer, ADMIN, ADMIN_PASSWORD, "repository:" + repository + ":pull,push");

            byte[] layer = random(64 * 1024);
            byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(pushBlob(other, token, repository, layer)).isEqualTo(201);
            assertThat(pushBlob(other, token, repository, config)).isEqualTo(201);
            byte[] manifest = manifest(config, layer);
            HttpResponse<String> put = send(HttpRequest.newBuilder(uri(other, "/v2/" + repository + "/manifests/v1"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", OCI_MANIFEST)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
            assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

            for (StowageProcess node : new StowageProcess[] {other, issuer}) {
                HttpResponse<byte[]> pulled = pull(node, token, "/v2/" + repository + "/blobs/" + sha256(layer));
                assertThat(pulled.statusCode()).isEqualTo(200);
                assertThat(pulled.body()).isEqualTo(layer);
                HttpResponse<byte[]> got = pull(node, token, "/v2/" + repository + "/manifests/v1");
                assertThat(got.statusCode()).isEqualTo(200);
                assertThat(got.body()).isEqualTo(manifest);
            }
        }
    }

    @Test
    void nodeTrustingAnotherIssuerTakesItsTokensForWhatTheyGrantOnly() throws Exception {
        String repository = "third/app-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] layer = random(4096);
        String blob = "/v2/" + repository + "/blobs/" + sha256(layer);
        // Content on node c, pushed by c's own administrator (so that c's catalog has the repository to list).
        String cAdmin = token(c, ADMIN, ADMIN_PASSWORD, "repository:" + repository + ":pull,push");
        byte[] config = "{\"architecture\":\"arm64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(pushBlob(c, cAdmin, repository, layer)).isEqualTo(201);
        assertThat(pushBlob(c, cAdmin, repository, config)).isEqualTo(201);
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri(c, "/v2/" + repository + "/manifests/v1"))
                .header("Authorization", basic(ADMIN, ADMIN_PASSWORD)).header("Content-Type", OCI_MANIFEST)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest(config, layer))));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

        // Node a's token (iss "stowage") is checked against a's keys: it pulls what it grants pull on.
        String pullToken = token(a, ADMIN, ADMIN_PASSWORD, "repository:" + repository + ":pull");
        HttpResponse<byte[]> pulled = pull(c, pullToken, blob);
        assertThat(pulled.statusCode()).isEqualTo(200);
        assertThat(pulled.body()).isEqualTo(layer);
        // ... and nothing else: no push, although its subject shares the name of node c's administrator.
        HttpResponse<String> push = send(HttpRequest.newBuilder(uri(c, "/v2/" + repository + "/blobs/uploads/"))
                .header("Authorization", "Bearer " + pullToken).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(push.statusCode()).isEqualTo(401);
        assertThat(push.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).contains("error=\"insufficient_scope\""));
        String catalogToken = token(a, ADMIN, ADMIN_PASSWORD, "registry:catalog:*");
        HttpResponse<byte[]> catalog = pull(c, catalogToken, "/v2/_catalog?n=1000");
        assertThat(catalog.statusCode()).isEqualTo(200);
        assertThat(names(catalog.body())).as("a's admin is not c's admin").doesNotContain(repository);
        HttpResponse<byte[]> ownAdminCatalog = pull(c, token(c, ADMIN, ADMIN_PASSWORD, "registry:catalog:*"),
                "/v2/_catalog?n=1000");
        assertThat(names(ownAdminCatalog.body())).contains(repository);
        // Nor does a's admin token sign in to c's admin API, although its subject is "admin" there too.
        HttpResponse<byte[]> adminApi = pull(c, catalogToken, "/api/v1/users");
        assertThat(adminApi.statusCode()).isEqualTo(401);
        assertThat(pull(c, token(c, ADMIN, ADMIN_PASSWORD, "registry:catalog:*"), "/api/v1/users").statusCode())
                .isEqualTo(200);

        // Tokens with a's issuer and claims, signed by any other key, are refused: with a's kid or another one.
        SignedJWT genuine = SignedJWT.parse(pullToken);
        for (String kid : List.of(genuine.getHeader().getKeyID(), "stranger")) {
            ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(),
                    new JWTClaimsSet.Builder(genuine.getJWTClaimsSet())
                            .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5)))).build());
            forged.sign(new ECDSASigner(stranger));
            HttpResponse<byte[]> refused = pull(c, forged.serialize(), blob);
            assertThat(refused.statusCode()).as("kid %s", kid).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).contains("error=\"invalid_token\""));
        }

        // Trust goes one way: node c's own tokens (iss "other") work on c, not on a.
        String cToken = token(c, ADMIN, ADMIN_PASSWORD, "repository:" + repository + ":pull");
        assertThat(pull(c, cToken, blob).statusCode()).isEqualTo(200);
        assertThat(pull(a, cToken, blob).statusCode()).isEqualTo(401);
    }

    @Test
    void webUiSessionOfOneClusterNodeWorksOnTheOtherButNotOnANodeOfAnotherCluster() throws Exception {
        String cookie = new io.stowage.ui.UiForms(http, a.baseUrl()).signIn(ADMIN, ADMIN_PASSWORD);

        // The session is a row in the database they share: b finds it, and the CSRF token it holds.
        HttpResponse<String> onB = send(HttpRequest.newBuilder(uri(b, "/ui/")).header("Cookie", cookie));
        assertThat(onB.statusCode()).isEqualTo(200);
        assertThat(onB.body()).contains("Sign out").contains("/ui/admin/robots");
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
                .matcher(onB.body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> logout = send(HttpRequest.newBuilder(uri(b, "/ui/logout")).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(csrf.group(1),
                        StandardCharsets.UTF_8))));
        assertThat(logout.statusCode()).isEqualTo(302);
        // Signed out on b, the same cookie is out on a as well.
        HttpResponse<String> onA = send(HttpRequest.newBuilder(uri(a, "/ui/")).header("Cookie", cookie));
        assertThat(onA.body()).doesNotContain("Sign out").contains("Sign in");

        // c has a database of its own (trusting a's keys for registry tokens only): the cookie signs nobody in there.
        HttpResponse<String> onC = send(HttpRequest.newBuilder(uri(c, "/ui/")).header("Cookie", cookie));
        assertThat(onC.statusCode()).isEqualTo(200);
        assertThat(onC.body()).doesNotContain("Sign out").contains("Sign in");
    }

    /**
     * The UI's sessions are rows every node reads: a password changed on b ends a session opened on a at once, and so
     * does deleting the account (a new account of the same name is not signed in by the old cookie).
     */
    @Test
    void aSessionEndsOnEveryNodeAtOnceWhenItsPasswordChangesOrItsAccountIsDeleted() throws Exception {
        String user = "session" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        assertThat(admin(a, "POST", "/api/v1/users", Map.of("username", user, "password", "first-pass")))
                .isEqualTo(201);
        String cookie = new io.stowage.ui.UiForms(http, a.baseUrl()).signIn(user, "first-pass");
        assertThat(send(HttpRequest.newBuilder(uri(b, "/ui/")).header("Cookie", cookie)).body()).contains("Sign out");

        assertThat(admin(b, "PATCH", "/api/v1/users/" + user, Map.of("password", "second-pass"))).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri(a, "/ui/")).header("Cookie", cookie)).body())
                .as("signed out on a by the password change on b").doesNotContain("Sign out");

        cookie = new io.stowage.ui.UiForms(http, a.baseUrl()).signIn(user, "second-pass");
        assertThat(admin(b, "DELETE", "/api/v1/users/" + user, null)).isEqualTo(204);
        assertThat(admin(b, "POST", "/api/v1/users", Map.of("username", user, "password", "third-pass")))
                .isEqualTo(201);
        assertThat(send(HttpRequest.newBuilder(uri(a, "/ui/")).header("Cookie", cookie)).body())
                .as("the deleted account's session does not sign in its namesake").doesNotContain("Sign out");
    }

    /** An admin API call as the administrator; its status. */
    private int admin(StowageProcess node, String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(node, path))
                .header("Authorization", basic(ADMIN, ADMIN_PASSWORD)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response = send(request);
        return response.statusCode();
    }

    @Test
    void missingKeysFileStopsTheStartWithTheSettingsName() {
        Path missing = dir.resolve("no-such-jwks.json");
        assertThatThrownBy(() -> node("broken", THIRD_SCHEMA, "--stowage.auth.issuer=other",
                "--stowage.auth.trusted-issuers[0].issuer=stowage",
                "--stowage.auth.trusted-issuers[0].keys=" + missing).close())
                .hasMessageContaining("Stowage exited")
                .hasMessageContaining("stowage.auth.trusted-issuers[0].keys")
                .hasMessageContaining(missing.toString());
    }

    private static StowageProcess node(String name, String schema, String... extra) throws Exception {
        List<String> arguments = new ArrayList<>(StowageProcess.databaseArguments(schema));
        arguments.addAll(List.of("--stowage.auth.mode=token", "--stowage.auth.admin.username=" + ADMIN,
                "--stowage.auth.admin.password=" + ADMIN_PASSWORD));
        arguments.addAll(List.of(extra));
        return StowageProcess.start(dir.resolve(name), List.of("-XX:+UseSerialGC", "-Xmx256m"), arguments);
    }

    private String token(StowageProcess node, String user, String password, String scope) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(node, "/auth/token?service=stowage&scope="
                + URLEncoder.encode(scope, StandardCharsets.UTF_8))).header("Authorization", basic(user, password)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("token").asString();
    }

    private int pushBlob(StowageProcess node, String token, String repository, byte[] content) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(node, "/v2/" + repository
                        + "/blobs/uploads/?digest=" + sha256(content))).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)));
        return response.statusCode();
    }

    private HttpResponse<byte[]> pull(StowageProcess node, String token, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(node, path)).header("Authorization", "Bearer " + token);
        if (path.contains("/manifests/")) {
            request.header("Accept", OCI_MANIFEST);
        }
        return http.send(request.timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> names(byte[] catalog) {
        List<String> names = new ArrayList<>();
        for (JsonNode name : JSON.readTree(catalog).get("repositories")) {
            names.add(name.asString());
        }
        return names;
    }

    private static byte[] manifest(byte[] config, byte[] layer) throws Exception {
        return JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", OCI_MANIFEST,
                "config", Map.of("mediaType", "application/vnd.oci.image.config.v1+json", "digest", sha256(config),
                        "size", config.length),
                "layers", List.of(Map.of("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip",
                        "digest", sha256(layer), "size", layer.length))));
    }

    private static URI uri(StowageProcess node, String path) {
        return URI.create(node.baseUrl() + path);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
