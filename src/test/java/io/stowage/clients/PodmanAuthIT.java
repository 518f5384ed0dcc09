package io.stowage.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.accounts.Grant;
import io.stowage.accounts.RepositoryPattern;
import io.stowage.accounts.RobotAccounts;
import io.stowage.accounts.Users;
import io.stowage.auth.TokenAuth;
import io.stowage.clients.TestImages.Format;
import io.stowage.clients.TestImages.Image;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * podman 4 against Stowage in token mode: {@code podman login} (which checks the credentials against the token
 * endpoint and stores them), pushes and pulls with the stored login, {@code podman logout}, and a robot signing in
 * the way a CI job does, with its secret on standard input. Each test has its own podman store and credentials file.
 */
@TokenAuth
class PodmanAuthIT extends RegistryTestBase {

    private static final String PASSWORD = "podman-test-password";

    @TempDir
    Path temp;

    @Autowired
    private Users users;
    @Autowired
    private RobotAccounts robots;

    private Podman podman;

    @BeforeEach
    void startPodman() {
        Podman.require();
        podman = new Podman(temp.resolve("podman"));
    }

    @Test
    void loginPushPullLogoutAndThePullFails() throws Exception {
        String user = newUser();
        Path authFile = podman.authFile();
        ClientCommand.Result login = podman.succeed("login", "--tls-verify=false", "--authfile", authFile.toString(),
                "-u", user, "-p", PASSWORD, registryHost());
        assertThat(login.stdout()).as(login.describe()).contains("Login Succeeded");
        assertThat(Files.readString(authFile)).contains("\"" + registryHost() + "\"");

        Image image = loadGeneratedImage();
        String reference = registryHost() + "/" + user + "/app:v1";
        podman.succeed("tag", image.imageId(), reference);
        // From here on no --authfile: podman finds the login through REGISTRY_AUTH_FILE.
        Path digestFile = temp.resolve("digest");
        podman.succeed("push", "--tls-verify=false", podman.signaturePolicy(), "--digestfile", digestFile.toString(),
                reference);
        String digest = Files.readString(digestFile).strip();
        forget(image.imageId());

        String pulled = podman.succeed("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(), reference)
                .stdout().strip();
        assertEquals(image.imageId(), pulled, "image id after the round trip");
        assertEquals(digest, podman.succeed("image", "inspect", "--format", "{{.Digest}}", reference).stdout().strip());
        forget(image.imageId());

        ClientCommand.Result logout = podman.succeed("logout", "--authfile", authFile.toString(), registryHost());
        assertThat(logout.stdout()).as(logout.describe()).contains("Removed login credentials");
        assertThat(Files.readString(authFile)).doesNotContain(registryHost());

        ClientCommand.Result anonymous = podman.run("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(),
                reference).assertFailure();
        assertThat(anonymous.stderr()).as(anonymous.describe()).contains("unauthorized: ");
        assertEquals(1, podman.run("image", "exists", image.imageId()).exitCode(), "nothing was pulled");
    }

    @Test
    void loginWithAWrongPasswordFailsAndStoresNothing() throws Exception {
        String user = newUser();
        ClientCommand.Result login = podman.run("login", "--tls-verify=false", "--authfile",
                podman.authFile().toString(), "-u", user, "-p", "not-" + PASSWORD, registryHost()).assertFailure();
        assertThat(login.stderr()).as(login.describe())
                .contains("logging into \"" + registryHost() + "\": invalid username/password");
        assertThat(Files.readString(podman.authFile())).doesNotContain(registryHost());

        ClientCommand.Result unknown = podman.run("login", "--tls-verify=false", "-u", "nobody" + shortId(),
                "-p", PASSWORD, registryHost()).assertFailure();
        assertThat(unknown.stderr()).as(unknown.describe()).contains("invalid username/password");
    }

    @Test
    void robotLogsInWithItsSecretOnStandardInputAndPushesWithinItsPermissions() throws Exception {
        String scope = "ci" + shortId();
        RobotAccounts.CreatedRobot robot = robots.create("podman-" + shortId(), "podman test robot",
                List.of(new Grant(RepositoryPattern.of(scope + "/*"), Set.of("pull", "push"))), null, "test")
                .orElseThrow();
        // What a CI job runs: the secret comes from the CI system's secret store, never from the command line.
        ClientCommand.Result login = podman.runWithInput(robot.secret() + "\n", "login", "--tls-verify=false",
                "-u", robot.username(), "--password-stdin", registryHost()).assertSuccess();
        assertThat(login.stdout()).as(login.describe()).contains("Login Succeeded");

        Image image = loadGeneratedImage();
        String allowed = registryHost() + "/" + scope + "/service:" + shortId();
        podman.succeed("tag", image.imageId(), allowed);
        podman.succeed("push", "--tls-verify=false", podman.signaturePolicy(), allowed);

        String other = registryHost() + "/other" + shortId() + "/service:v1";
        podman.succeed("tag", image.imageId(), other);
        ClientCommand.Result refused = podman.run("push", "--tls-verify=false", podman.signaturePolicy(), other)
                .assertFailure();
        assertThat(refused.stderr()).as(refused.describe()).containsAnyOf("403 (Forbidden)", "denied")
                .doesNotContain("unauthorized");

        forget(image.imageId());
        String pulled = podman.succeed("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(), allowed)
                .stdout().strip();
        assertEquals(image.imageId(), pulled);
    }

    private String newUser() {
        String username = "p" + shortId();
        assertThat(users.create(username, PASSWORD, false)).isTrue();
        return username;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** A random image for this machine's architecture, pulled into podman's store from an OCI layout. */
    private Image loadGeneratedImage() {
        Image image = TestImages.randomImage(Format.OCI, "linux", hostArchitecture(), 2);
        Path layout = temp.resolve("layout-" + shortId());
        TestImages.writeOciLayout(layout, "v1", image);
        String id = podman.succeed("pull", "--quiet", podman.signaturePolicy(), "oci:" + layout + ":v1")
                .stdout().strip();
        assertEquals(image.imageId(), id);
        return image;
    }

    /** Removes the image (and every name it has) from podman's store, so the next pull must fetch it. */
    private void forget(String imageId) {
        podman.succeed("rmi", "--force", imageId);
        assertEquals(1, podman.run("image", "exists", imageId).exitCode(), "the image should be gone locally");
    }

    private static String hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }
}
