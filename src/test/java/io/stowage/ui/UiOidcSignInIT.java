package io.stowage.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.stowage.ui.HeadlessChromium.screenshot;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.ContextConfiguration;
import testidp.TestIdentityProvider;

/**
 * Signing in to the web UI through a real OpenID Connect provider (Spring Authorization Server in the test JVM), in
 * headless Chromium: the first sign-in creates the user, whose groups claim gives it the roles of the team mapped to
 * its group, and a later sign-in without that group takes them away; a provider account whose name a local user has
 * signs nobody in.
 */
// The provider's initializer with token auth's: a class's own @ContextConfiguration hides @TokenAuth's.
@ContextConfiguration(initializers = {TokenAuth.Initializer.class, OidcProviderInitializer.class})
class UiOidcSignInIT extends UiTestBase {

    private final TestIdentityProvider provider = OidcProviderInitializer.provider();

    @BeforeEach
    void allowRedirectsHere() {
        provider.allowRedirect(baseUrl() + "/ui/login/oauth2/code/" + OidcProviderInitializer.ID);
    }

    @Test
    void aProvidersAccountSignsInAndGetsTheRolesOfItsGroupsTeam() throws Exception {
        String organization = unique("sso");
        String group = unique("platform");
        String username = unique("carol");
        HttpResponse<String> created = call("POST", "/api/v1/organizations", ADMIN, Map.of("name", organization));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> team = call("POST", "/api/v1/organizations/" + organization + "/teams", ADMIN,
                Map.of("name", "platform", "roles", List.of(Map.of("role", "developer")),
                        "groups", List.of(Map.of("provider", OidcProviderInitializer.ID, "group", group))));
        assertThat(team.statusCode()).as(team.body()).isEqualTo(201);
        assertThat(json(team).get("groups").get(0).get("group").asString()).isEqualTo(group);
        provider.addUser(username, "idp-password-1", Set.of(group, "unrelated"));

        try (HeadlessChromium chromium = HeadlessChromium.launch();
             BrowserContext browser = chromium.desktop(baseUrl())) {
            Page page = browser.newPage();
            signInThroughTheProvider(page, username, "idp-password-1");
            screenshot(page, "oidc-01-signed-in");
            assertThat(page.locator(".who")).hasText(username);

            page.navigate("/ui/organizations");
            assertThat(page.locator("[data-organization='" + organization + "'] [data-team=platform]"))
                    .containsText(group);
            screenshot(page, "oidc-02-organizations");
        }
        assertThat(json(get("/api/v1/users/" + username, ADMIN)).get("username").asString()).isEqualTo(username);

        // Out of the group at the provider: the next sign-in takes the team's roles away.
        provider.setGroups(username, Set.of("unrelated"));
        try (HeadlessChromium chromium = HeadlessChromium.launch();
             BrowserContext browser = chromium.desktop(baseUrl())) {
            Page page = browser.newPage();
            signInThroughTheProvider(page, username, "idp-password-1");
            page.navigate("/ui/organizations");
            assertThat(page.locator("main")).containsText("You are not a member of any organization");
        }
    }

    @Test
    void anAccountNamedLikeALocalUserSignsNobodyIn() throws Exception {
        String local = newUser("pw-local-1", false);
        provider.addUser(local, "idp-password-2", Set.of());
        try (HeadlessChromium chromium = HeadlessChromium.launch();
             BrowserContext browser = chromium.desktop(baseUrl())) {
            Page page = browser.newPage();
            page.navigate("/ui/login");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(OidcProviderInitializer.NAME)).click();
            page.getByLabel("Username").fill(local);
            page.getByLabel("Password").fill("idp-password-2");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
            page.waitForURL("**/ui/login?failed=taken");
            assertThat(page.locator("[role=alert]")).containsText("belongs to a local user");
            screenshot(page, "oidc-03-name-taken");
            page.navigate("/ui/");
            assertThat(page.locator("body")).not().containsText("Sign out");
        }
    }

    @Test
    void anUnknownProviderIsNotFoundAndTheSignInPageOffersTheKnownOne() throws Exception {
        assertThat(page("/ui/oauth2/authorization/nosuch", null).statusCode()).isEqualTo(404);
        String login = page("/ui/login", null).body();
        assertThat(login).contains("href=\"/ui/oauth2/authorization/" + OidcProviderInitializer.ID + "\"")
                .contains(OidcProviderInitializer.NAME);
        HttpResponse<String> start = page("/ui/oauth2/authorization/" + OidcProviderInitializer.ID, null);
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(start.headers().firstValue("Location").orElseThrow()).startsWith(provider.issuer());
    }

    /** With password-sign-in=administrator, a local user's password signs in nowhere; the administrator's does. */
    @Test
    void passwordsSignInTheAdministratorOnly() throws Exception {
        String local = newUser("pw-local-2", false);
        assertThat(forms().submitSignIn(local, "pw-local-2", null).statusCode()).isEqualTo(401);
        assertThat(tokenResponse(basic(local, "pw-local-2"), "repository:" + local + "/app:pull").statusCode())
                .isEqualTo(401);
        assertThat(send(request("/v2/").header("Authorization", basic(local, "pw-local-2")).GET().build())
                .statusCode()).isEqualTo(401);
        assertThat(page("/ui/login", null).body()).contains("passwords\n    sign in the administrator only");
        assertThat(forms().submitSignIn(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD, null).statusCode())
                .isEqualTo(302);
        assertThat(get("/api/v1/users", ADMIN).statusCode()).isEqualTo(200);
    }

    /** Through the sign-in page's provider button and the provider's own form, back to the registry. */
    private static void signInThroughTheProvider(Page page, String username, String password) {
        page.navigate("/ui/login");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(OidcProviderInitializer.NAME)).click();
        page.getByLabel("Username").fill(username);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL("**/ui/");
    }
}
