package io.stowage.clients;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.stowage.ui.HeadlessChromium.screenshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.stowage.admin.AdminApiTestBase;
import io.stowage.auth.TokenAuth;
import io.stowage.clients.TestImages.Format;
import io.stowage.clients.TestImages.Image;
import io.stowage.ui.HeadlessChromium;
import io.stowage.ui.OidcProviderInitializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.ContextConfiguration;
import testidp.TestIdentityProvider;

/**
 * Issue 14's OIDC journey, end to end: a user of a real OpenID Connect provider (Spring Authorization Server in the
 * test JVM) signs in to the web UI in headless Chromium, is given the developer role of an organization's team by
 * the group the provider lists, creates a personal access token on the tokens page, and with it podman logs in,
 * pushes and pulls, and skopeo copies and inspects; revoking the token in the UI stops both.
 */
@ContextConfiguration(initializers = {TokenAuth.Initializer.class, OidcProviderInitializer.class})
class OidcTokenJourneyIT extends AdminApiTestBase {

    @TempDir
    Path temp;

    private final TestIdentityProvider provider = OidcProviderInitializer.provider();
    private Podman podman;

    @BeforeEach
    void setUp() {
        Podman.require();
        Skopeo.require();
        podman = new Podman(temp.resolve("podman"));
        provider.allowRedirect(baseUrl() + "/ui/login/oauth2/code/" + OidcProviderInitializer.ID);
    }

    @Test
    void aProvidersUserGetsATeamRoleByGroupAndPushesAndPullsWithATokenUntilItIsRevoked() throws Exception {
        String organization = unique("corp");
        String group = unique("developers");
        String username = unique("dana");
        assertThat(call("POST", "/api/v1/organizations", ADMIN, Map.of("name", organization)).statusCode())
                .isEqualTo(201);
        HttpResponse<String> team = call("POST", "/api/v1/organizations/" + organization + "/teams", ADMIN,
                Map.of("name", "developers", "roles", List.of(Map.of("role", "developer")),
                        "groups", List.of(Map.of("provider", OidcProviderInitializer.ID, "group", group))));
        assertThat(team.statusCode()).as(team.body()).isEqualTo(201);
        provider.addUser(username, "idp-password-3", Set.of(group));
        String secret;

        try (HeadlessChromium chromium = HeadlessChromium.launch();
             BrowserContext browser = chromium.desktop(baseUrl())) {
            Page page = browser.newPage();
            page.navigate("/ui/login");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(OidcProviderInitializer.NAME)).click();
            page.getByLabel("Username").fill(username);
            page.getByLabel("Password").fill("idp-password-3");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            page.waitForURL("**/ui/");
            assertThat(page.locator(".who")).hasText(username);

            page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.LINK,
                    new Locator.GetByRoleOptions().setName("Tokens").setExact(true)).click();
            page.waitForURL("**/ui/tokens");
            page.getByLabel("Name").fill("laptop");
            page.getByLabel("Scope").selectOption("write");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create token")).click();
            secret = page.getByLabel("Secret").inputValue();
            assertThat(secret).startsWith("stw_");
            assertThat(page.locator("tr.token[data-token=laptop]")).containsText("write");
            screenshot(page, "oidc-token-01-created");
            page.navigate("/ui/tokens");
            assertThat(page.locator("main")).not().containsText(secret);

            // podman: log in with the token, push into the organization (the team's developer role), pull back.
            ClientCommand.Result login = podman.runWithInput(secret + "\n", "login", "--tls-verify=false",
                    "-u", username, "--password-stdin", registryHost()).assertSuccess();
            assertThat(login.stdout()).as(login.describe()).contains("Login Succeeded");
            Image image = TestImages.randomImage(Format.OCI, "linux", System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64", 2);
            Path layout = temp.resolve("layout");
            TestImages.writeOciLayout(layout, "v1", image);
            String id = podman.succeed("pull", "--quiet", podman.signaturePolicy(), "oci:" + layout + ":v1")
                    .stdout().strip();
            String reference = registryHost() + "/" + organization + "/app:v1";
            podman.succeed("tag", id, reference);
            podman.succeed("push", "--tls-verify=false", podman.signaturePolicy(), reference);
            podman.succeed("rmi", "--force", id);
            assertEquals(id, podman.succeed("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(),
                    reference).stdout().strip());

            // skopeo: the same token as --creds.
            String creds = username + ":" + secret;
            Skopeo.succeed("copy", "--dest-tls-verify=false", "--dest-creds", creds, "oci:" + layout + ":v1",
                    "docker://" + registryHost() + "/" + organization + "/app:v2");
            assertThat(Skopeo.succeed("inspect", "--tls-verify=false", "--creds", creds,
                    "docker://" + registryHost() + "/" + organization + "/app:v2").stdout()).contains("Digest");
            // Not beyond the team's role: a write token cannot delete.
            Skopeo.run("delete", "--tls-verify=false", "--creds", creds,
                    "docker://" + registryHost() + "/" + organization + "/app:v2").assertFailure();

            page.onceDialog(dialog -> dialog.accept());
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Revoke token laptop")).click();
            assertThat(page.locator("main")).containsText("You have no access tokens");
            screenshot(page, "oidc-token-02-revoked");
        }

        podman.succeed("rmi", "--force", reference(organization));
        ClientCommand.Result pull = podman.run("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(),
                registryHost() + "/" + organization + "/app:v1").assertFailure();
        assertThat(pull.stderr()).as(pull.describe()).containsAnyOf("unauthorized", "invalid username/password");
        ClientCommand.Result inspect = Skopeo.run("inspect", "--tls-verify=false", "--creds",
                username + ":" + secret,
                "docker://" + registryHost() + "/" + organization + "/app:v2").assertFailure();
        assertThat(inspect.stderr()).as(inspect.describe()).containsAnyOf("unauthorized", "401");
    }

    private String reference(String organization) {
        return registryHost() + "/" + organization + "/app:v1";
    }

}
