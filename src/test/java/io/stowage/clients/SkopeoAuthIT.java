package io.stowage.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.accounts.Actor;
import io.stowage.accounts.Grant;
import io.stowage.accounts.RepositoryPattern;
import io.stowage.accounts.RobotAccounts;
import io.stowage.accounts.Users;
import io.stowage.auth.TokenAuth;
import io.stowage.clients.TestImages.Format;
import io.stowage.clients.TestImages.Image;
import io.stowage.governance.ImmutabilityRules;
import io.stowage.metadata.RepositoryRecords;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * skopeo (containers/image) against Stowage in token mode, as a user would meet it: credentials on the command line,
 * the Bearer challenge and token exchange done by the client, and the errors it prints when access is refused. The
 * anonymous runs use {@code --no-creds}, so credentials the machine may hold for localhost never leak in.
 */
@TokenAuth
class SkopeoAuthIT extends RegistryTestBase {

    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path temp;

    @Autowired
    private Users users;
    @Autowired
    private RobotAccounts robots;
    @Autowired
    private RepositoryRecords repositories;
    @Autowired
    private ImmutabilityRules rules;

    @BeforeEach
    void requireSkopeo() {
        Skopeo.require();
    }

    @Test
    void anImmutableTagRefusesAnotherImageAndTakesTheSameOneAgain() {
        String owner = newUser();
        long rule = rules.create(Actor.unrestricted("127.0.0.1"),
                new ImmutabilityRules.NewRule(owner + "/*", List.of("v*"), List.of("*-rc*"), null)).id();
        try {
            Path first = layout("first", TestImages.randomImage(Format.OCI, "linux", "amd64", 1));
            Path second = layout("second", TestImages.randomImage(Format.OCI, "linux", "amd64", 1));
            String base = "docker://" + registryHost() + "/" + owner + "/app:";

            Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", creds(owner),
                    "oci:" + first + ":v1", base + "v1");
            // A CI job retried: the same image under the same tag again.
            Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", creds(owner),
                    "oci:" + first + ":v1", base + "v1");
            ClientCommand.Result moved = Skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false",
                    "--dest-creds", creds(owner), "oci:" + second + ":v1", base + "v1");
            moved.assertFailure();
            assertThat(moved.stderr()).as(moved.describe()).contains("denied")
                    .contains("is immutable by immutability rule " + rule);
            for (String excepted : List.of("latest", "v2-rc1")) {
                Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds",
                        creds(owner), "oci:" + first + ":v1", base + excepted);
                Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds",
                        creds(owner), "oci:" + second + ":v1", base + excepted);
            }
            ClientCommand.Result deleted = Skopeo.run("delete", "--tls-verify=false", "--creds", creds(owner),
                    base + "v1");
            deleted.assertFailure();
            assertThat(deleted.stderr()).as(deleted.describe()).contains("is immutable");
            Map<?, ?> inspected = TestImages.readJson(Skopeo.succeed("inspect", "--tls-verify=false", "--creds",
                    creds(owner), base + "v1").stdoutBytes());
            assertEquals(TestImages.layoutDescriptor(first, "v1").get("digest"), inspected.get("Digest"));
        } finally {
            rules.delete(Actor.unrestricted("127.0.0.1"), rule);
        }
    }

    @Test
    void ownerPushesAndPullsPrivateImageThatNobodyElseCanRead() {
        String owner = newUser();
        Image image = TestImages.randomImage(Format.OCI, "linux", "amd64", 2);
        Path source = layout("source", image);
        String reference = "docker://" + registryHost() + "/" + owner + "/app:v1";

        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", creds(owner),
                "oci:" + source + ":v1", reference);

        Map<?, ?> inspected = TestImages.readJson(Skopeo.succeed("inspect", "--tls-verify=false", "--creds",
                creds(owner), reference).stdoutBytes());
        assertEquals(image.manifest().digest(), inspected.get("Digest"));
        Path copy = temp.resolve("copy");
        Skopeo.succeed("copy", "--preserve-digests", "--src-tls-verify=false", "--src-creds", creds(owner), reference,
                "oci:" + copy + ":v1");
        assertSameBlobs(source, copy);

        // Without credentials skopeo gets an anonymous token that grants nothing here, and the registry's 401.
        assertUnauthorized(Skopeo.run("inspect", "--tls-verify=false", "--no-creds", reference));
        assertUnauthorized(Skopeo.run("copy", "--src-tls-verify=false", "--src-no-creds", reference,
                "oci:" + temp.resolve("anonymous") + ":v1"));
        // Another user is known, so the registry says no outright: 403 DENIED.
        assertDenied(Skopeo.run("inspect", "--tls-verify=false", "--creds", creds(newUser()), reference));
        // A wrong password is refused by the token endpoint, before the registry is asked anything.
        ClientCommand.Result wrongPassword = Skopeo.run("inspect", "--tls-verify=false", "--creds",
                owner + ":not-the-password", reference).assertFailure();
        assertThat(wrongPassword.stderr()).as(wrongPassword.describe()).contains("invalid username/password");
    }

    @Test
    void robotPushesWhereItsPermissionsReachAndNowhereElse() {
        String scope = "ci" + shortId();
        RobotAccounts.CreatedRobot robot = robots.create("ci-" + shortId(), "skopeo test robot",
                List.of(new Grant(RepositoryPattern.of(scope + "/*"), Set.of("pull", "push"))), null, "test")
                .orElseThrow();
        assertThat(robot.username()).startsWith("robot+");
        String robotCreds = robot.username() + ":" + robot.secret();
        Image image = TestImages.randomImage(Format.OCI, "linux", "amd64", 1);
        Path source = layout("source", image);

        String allowed = "docker://" + registryHost() + "/" + scope + "/service:1.0";
        Skopeo.succeed("copy", "--dest-tls-verify=false", "--dest-creds", robotCreds, "oci:" + source + ":v1", allowed);
        Map<?, ?> inspected = TestImages.readJson(Skopeo.succeed("inspect", "--tls-verify=false", "--creds", robotCreds,
                allowed).stdoutBytes());
        assertEquals(image.layers().stream().map(TestImages.Blob::digest).toList(), inspected.get("Layers"));

        assertDenied(Skopeo.run("copy", "--dest-tls-verify=false", "--dest-creds", robotCreds,
                "oci:" + source + ":v1", "docker://" + registryHost() + "/other" + shortId() + "/service:1.0"));
        // pull and push, but not delete.
        assertDenied(Skopeo.run("delete", "--tls-verify=false", "--creds", robotCreds, allowed));
        Skopeo.succeed("inspect", "--tls-verify=false", "--creds", robotCreds, allowed);
    }

    @Test
    void publicRepositoriesArePulledWithoutCredentials() {
        String owner = newUser();
        Image image = TestImages.randomImage(Format.OCI, "linux", "amd64", 2);
        Path source = layout("source", image);
        String repository = owner + "/published";
        String reference = "docker://" + registryHost() + "/" + repository + ":v1";
        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", creds(owner),
                "oci:" + source + ":v1", reference);
        assertUnauthorized(Skopeo.run("inspect", "--tls-verify=false", "--no-creds", reference));

        repositories.update(repository, "public", null);

        Map<?, ?> inspected = TestImages.readJson(Skopeo.succeed("inspect", "--tls-verify=false", "--no-creds",
                reference).stdoutBytes());
        assertEquals(image.manifest().digest(), inspected.get("Digest"));
        Path copy = temp.resolve("copy");
        Skopeo.succeed("copy", "--preserve-digests", "--src-tls-verify=false", "--src-no-creds", reference,
                "oci:" + copy + ":v1");
        assertSameBlobs(source, copy);
        // Public means anyone may pull, not push.
        Image other = TestImages.randomImage(Format.OCI, "linux", "amd64", 1);
        assertUnauthorized(Skopeo.run("copy", "--dest-tls-verify=false", "--dest-no-creds",
                "oci:" + layout("other", other) + ":v1", "docker://" + registryHost() + "/" + repository + ":v2"));

        // Repositories matching stowage.auth.public-repositories (public-by-config/* in these tests) are public too.
        String configured = "docker://" + registryHost() + "/public-by-config/" + shortId() + ":v1";
        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", admin(),
                "oci:" + source + ":v1", configured);
        Path configuredCopy = temp.resolve("configured-copy");
        Skopeo.succeed("copy", "--preserve-digests", "--src-tls-verify=false", "--src-no-creds", configured,
                "oci:" + configuredCopy + ":v1");
        assertSameBlobs(source, configuredCopy);
    }

    @Test
    void ownerDeletesWithTheWildcardScopeSkopeoAsksFor() {
        String owner = newUser();
        Image image = TestImages.randomImage(Format.OCI, "linux", "amd64", 1);
        String reference = "docker://" + registryHost() + "/" + owner + "/doomed:v1";
        Skopeo.succeed("copy", "--dest-tls-verify=false", "--dest-creds", creds(owner),
                "oci:" + layout("source", image) + ":v1", reference);
        assertDenied(Skopeo.run("delete", "--tls-verify=false", "--creds", creds(newUser()), reference));

        ClientCommand.Result deleted = Skopeo.succeed("--debug", "delete", "--tls-verify=false", "--creds",
                creds(owner), reference);
        // containers/image asks for every action (scope repository:<name>:*) before a delete; Stowage grants the
        // owner pull, push and delete for it.
        assertThat(deleted.stderr()).as(deleted.describe())
                .contains("scope=repository%3A" + owner + "%2Fdoomed%3A%2A");

        ClientCommand.Result gone = Skopeo.run("inspect", "--tls-verify=false", "--creds", creds(owner), reference)
                .assertFailure();
        assertThat(gone.stderr()).as(gone.describe()).containsIgnoringCase("manifest unknown");
    }

    @Test
    @SuppressWarnings("unchecked")
    void listTagsNeedsCredentialsForAPrivateRepository() {
        String owner = newUser();
        Image image = TestImages.randomImage(Format.OCI, "linux", "amd64", 1);
        String repository = "docker://" + registryHost() + "/" + owner + "/tagged";
        Skopeo.succeed("copy", "--dest-tls-verify=false", "--dest-creds", creds(owner),
                "oci:" + layout("source", image) + ":v1", repository + ":1.0");
        Skopeo.succeed("copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--src-creds", creds(owner),
                "--dest-creds", creds(owner), repository + ":1.0", repository + ":latest");

        ClientCommand.Result listed = Skopeo.succeed("list-tags", "--tls-verify=false", "--creds", creds(owner),
                repository);
        assertThat((List<Object>) TestImages.readJson(listed.stdoutBytes()).get("Tags")).as(listed.describe())
                .containsExactlyInAnyOrder("1.0", "latest");
        assertUnauthorized(Skopeo.run("list-tags", "--tls-verify=false", "--no-creds", repository));
    }

    @Test
    void secondUserPushesSharedLayersWithoutReadingTheFirstUsersRepository() {
        // containers/image remembers where it pushed each blob (its blob info cache) and, pushing it again to another
        // repository, asks for a token that also names the old one (pull), to reuse the blob from there. Bob may not
        // read Alice's repository: the token leaves that scope out, the look there is refused, Bob's client
        // uploads the blobs itself, and the push succeeds without Bob ever reading Alice's repository.
        String alice = newUser();
        String bob = newUser();
        Image image = TestImages.randomImage(Format.OCI, "linux", "amd64", 2);
        Path source = layout("source", image);
        String aliceReference = "docker://" + registryHost() + "/" + alice + "/base:v1";
        String bobReference = "docker://" + registryHost() + "/" + bob + "/base:v1";
        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", creds(alice),
                "oci:" + source + ":v1", aliceReference);

        ClientCommand.Result pushed = Skopeo.succeed("--debug", "copy", "--preserve-digests",
                "--dest-tls-verify=false", "--dest-creds", creds(bob), "oci:" + source + ":v1", bobReference);
        assertThat(pushed.stderr()).as("skopeo asked for a token naming the other copy: " + pushed.describe())
                .contains("scope=repository%3A" + alice + "%2Fbase%3Apull&");

        Path copy = temp.resolve("copy");
        Skopeo.succeed("copy", "--preserve-digests", "--src-tls-verify=false", "--src-creds", creds(bob),
                bobReference, "oci:" + copy + ":v1");
        assertSameBlobs(source, copy);
        assertDenied(Skopeo.run("inspect", "--tls-verify=false", "--creds", creds(bob), aliceReference));
    }

    @Test
    void identityTokenAsDockerLoginStoresItIsRedeemedForAccessTokens() throws Exception {
        // docker login asks for a refresh token (offline_token=true) and keeps it as "identitytoken"; clients then
        // trade it for access tokens with POST /auth/token, grant_type=refresh_token, one scope parameter each.
        String owner = newUser();
        HttpResponse<String> login = send(request("/auth/token?service=stowage&offline_token=true")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        creds(owner).getBytes(StandardCharsets.UTF_8)))
                .GET().build());
        assertEquals(200, login.statusCode(), login.body());
        String refreshToken = (String) TestImages.readJson(login.body().getBytes(StandardCharsets.UTF_8))
                .get("refresh_token");
        assertThat(refreshToken).isNotBlank();
        Path authFile = temp.resolve("auth.json");
        Files.writeString(authFile, """
                {"auths": {"%s": {"auth": "%s", "identitytoken": "%s"}}}
                """.formatted(registryHost(), Base64.getEncoder().encodeToString(
                (owner + ":").getBytes(StandardCharsets.UTF_8)), refreshToken));

        Image image = TestImages.randomImage(Format.OCI, "linux", "amd64", 1);
        Path source = layout("source", image);
        String reference = "docker://" + registryHost() + "/" + owner + "/refreshed:v1";
        ClientCommand.Result pushed = Skopeo.succeed("--debug", "copy", "--preserve-digests", "--dest-tls-verify=false",
                "--dest-authfile", authFile.toString(), "oci:" + source + ":v1", reference);
        assertThat(pushed.stderr()).as("skopeo used the refresh token: " + pushed.describe())
                .contains("POST http://" + registryHost() + "/auth/token");
        Path copy = temp.resolve("copy");
        Skopeo.succeed("copy", "--preserve-digests", "--src-tls-verify=false", "--src-authfile", authFile.toString(),
                reference, "oci:" + copy + ":v1");
        assertSameBlobs(source, copy);

        Files.writeString(authFile, Files.readString(authFile).replace(refreshToken, "not-" + refreshToken));
        ClientCommand.Result forged = Skopeo.run("inspect", "--tls-verify=false", "--authfile", authFile.toString(),
                reference).assertFailure();
        // The token endpoint's 401 for an unknown refresh token, which containers/image reports as bad credentials.
        assertThat(forged.stderr()).as(forged.describe())
                .contains("unable to retrieve auth token: invalid username/password");
    }

    /** A new user with {@link #PASSWORD}, whose namespace is its name. */
    private String newUser() {
        String username = "u" + shortId();
        assertThat(users.create(username, PASSWORD, false)).isTrue();
        return username;
    }

    private static String creds(String username) {
        return username + ":" + PASSWORD;
    }

    private static String admin() {
        return TokenAuth.ADMIN + ":" + TokenAuth.ADMIN_PASSWORD;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private Path layout(String name, Image image) {
        Path dir = temp.resolve(name);
        TestImages.writeOciLayout(dir, "v1", image);
        return dir;
    }

    private static void assertSameBlobs(Path source, Path copy) {
        Map<String, byte[]> sent = TestImages.layoutBlobs(source);
        Map<String, byte[]> received = TestImages.layoutBlobs(copy);
        assertThat(received.keySet()).isEqualTo(sent.keySet());
        sent.forEach((digest, bytes) -> assertArrayEquals(bytes, received.get(digest), digest));
    }

    /**
     * skopeo failed on the registry's 401. It prints the body's code ({@code unauthorized: ...}), after a
     * {@code denied: ...} that containers/image makes of the challenge's {@code error="insufficient_scope"}, as for
     * distribution; a HEAD (checking for a blob before a push) has no body, and then skopeo reports the bare status.
     */
    private static void assertUnauthorized(ClientCommand.Result result) {
        result.assertFailure();
        assertThat(result.stderr()).as(result.describe()).containsAnyOf("unauthorized: ", "HTTP 401");
    }

    /**
     * skopeo failed on the registry's 403: the DENIED body's message (with or without the {@code denied:} code skopeo
     * puts before it), or the bare status for a HEAD; and not on a 401, which would have said {@code unauthorized}.
     */
    private static void assertDenied(ClientCommand.Result result) {
        result.assertFailure();
        assertThat(result.stderr()).as(result.describe())
                .containsAnyOf("requested access to the resource is denied", "403 (Forbidden)")
                .doesNotContain("unauthorized").doesNotContain("HTTP 401");
    }
}
