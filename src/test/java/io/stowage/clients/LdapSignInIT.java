package io.stowage.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.stowage.admin.AdminApiTestBase;
import io.stowage.auth.TokenAuth;
import io.stowage.clients.TestImages.Format;
import io.stowage.clients.TestImages.Image;
import io.stowage.ui.UiForms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue 14's LDAP journey against a real directory (UnboundID in the test JVM): podman logs in with a directory
 * password, pushes with the role of the team its LDAP group is mapped to, and is refused once the user leaves the
 * group, within the documented 30 s; with the directory stopped, local accounts still sign in and directory users get
 * 503 with Retry-After, not a 500 nor a "wrong password".
 */
@ContextConfiguration(initializers = {TokenAuth.Initializer.class, TestDirectory.class})
class LdapSignInIT extends AdminApiTestBase {

    /** How long a removal from a group may take to hold: a remembered sign-in is re-checked within this. */
    private static final Duration CACHE_TIME = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    @Test
    void aDirectoryUserPushesByTheirGroupsTeamUntilTheyLeaveItAndADirectoryOutageIs503() throws Exception {
        Podman.require();
        String organization = unique("dir");
        assertThat(call("POST", "/api/v1/organizations", ADMIN, Map.of("name", organization)).statusCode())
                .isEqualTo(201);
        HttpResponse<String> team = call("POST", "/api/v1/organizations/" + organization + "/teams", ADMIN,
                Map.of("name", "platform", "roles", List.of(Map.of("role", "developer")),
                        "groups", List.of(Map.of("provider", "ldap", "group", TestDirectory.GROUP))));
        assertThat(team.statusCode()).as(team.body()).isEqualTo(201);

        Podman podman = new Podman(temp.resolve("podman"));
        ClientCommand.Result login = podman.runWithInput(TestDirectory.PASSWORD + "\n", "login",
                "--tls-verify=false", "-u", TestDirectory.ERIN, "--password-stdin", registryHost()).assertSuccess();
        assertThat(login.stdout()).as(login.describe()).contains("Login Succeeded");
        assertThat(podman.run("login", "--tls-verify=false", "-u", TestDirectory.ERIN, "-p", "wrong",
                registryHost()).assertFailure().stderr()).contains("invalid username/password");
        Image image = TestImages.randomImage(Format.OCI, "linux",
                System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64", 1);
        Path layout = temp.resolve("layout");
        TestImages.writeOciLayout(layout, "v1", image);
        String id = podman.succeed("pull", "--quiet", podman.signaturePolicy(), "oci:" + layout + ":v1").stdout()
                .strip();
        String reference = registryHost() + "/" + organization + "/app:v1";
        podman.succeed("tag", id, reference);
        podman.succeed("push", "--tls-verify=false", podman.signaturePolicy(), reference);
        assertThat(json(get("/api/v1/users/" + TestDirectory.ERIN, ADMIN)).get("username").asString())
                .as("created at the first sign-in").isEqualTo(TestDirectory.ERIN);
        String erin = basic(TestDirectory.ERIN, TestDirectory.PASSWORD);
        assertThat(pushBlobStatus(organization + "/lib", erin)).isEqualTo(201);

        TestDirectory.leaveGroup(TestDirectory.ERIN);
        Instant left = Instant.now();
        int status = 201;
        while (status == 201 && Duration.between(left, Instant.now()).compareTo(CACHE_TIME.plusSeconds(10)) < 0) {
            Thread.sleep(1000);
            status = pushBlobStatus(organization + "/lib", erin);
        }
        assertThat(status).as("refused once out of the group").isEqualTo(403);
        assertThat(Duration.between(left, Instant.now())).as("within the cache time").isLessThan(
                CACHE_TIME.plusSeconds(5));
        ClientCommand.Result refused = podman.run("push", "--tls-verify=false", podman.signaturePolicy(),
                registryHost() + "/" + organization + "/app:v2").assertFailure();
        assertThat(refused.describe()).isNotEmpty();

        TestDirectory.stop();
        try {
            String local = newUser("pw-local-ldap", false);
            assertThat(tokenResponse(basic(local, "pw-local-ldap"), "repository:" + local + "/app:pull")
                    .statusCode()).as("local accounts still sign in").isEqualTo(200);
            assertThat(tokenResponse(basic(local, "wrong"), "repository:" + local + "/app:pull").statusCode())
                    .as("and are refused as before").isEqualTo(401);
            assertThat(pushBlobStatus(local + "/app", basic(local, "pw-local-ldap"))).isEqualTo(201);

            String frank = basic(TestDirectory.FRANK, TestDirectory.PASSWORD);
            HttpResponse<String> token = tokenResponse(frank, "repository:" + organization + "/app:pull");
            assertThat(token.statusCode()).as(token.body()).isEqualTo(503);
            assertThat(token.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<String> v2 = send(request("/v2/").header("Authorization", frank).GET().build());
            assertThat(v2.statusCode()).as(v2.body()).isEqualTo(503);
            assertThat(v2.body()).contains("\"code\":\"UNAVAILABLE\"");
            HttpResponse<String> admin = get("/api/v1/users/" + TestDirectory.FRANK, frank);
            assertThat(admin.statusCode()).as(admin.body()).isEqualTo(503);
            HttpResponse<String> page = new UiForms(http, baseUrl()).submitSignIn(TestDirectory.FRANK,
                    TestDirectory.PASSWORD, null);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(503);
            assertThat(page.body()).contains("user directory cannot be reached").doesNotContain("Exception");
            assertThat(new UiForms(http, baseUrl()).submitSignIn(local, "pw-local-ldap", null).statusCode())
                    .as("the web UI signs local users in").isEqualTo(302);
        } finally {
            TestDirectory.start();
        }
        assertThat(tokenResponse(basic(TestDirectory.FRANK, TestDirectory.PASSWORD),
                "repository:" + organization + "/app:pull").statusCode()).as("back").isEqualTo(200);
    }
}
