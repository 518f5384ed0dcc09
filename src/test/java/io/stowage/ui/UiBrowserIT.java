package io.stowage.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.stowage.ui.HeadlessChromium.screenshot;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.Cookie;
import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web UI in headless Chromium for a visitor who has not signed in (public repositories only, and sign-in asked
 * for a private one), and for an administrator managing users by keyboard at phone width. The administrator's visit
 * to an image is {@code io.stowage.clients.UiJourneyIT}; phone width and keyboard use, page by page,
 * {@link UiLayoutIT}.
 */
@TokenAuth
class UiBrowserIT extends UiTestBase {

    private static HeadlessChromium chromium;

    @BeforeAll
    static void launch() {
        chromium = HeadlessChromium.launch();
    }

    @AfterAll
    static void close() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void anAnonymousVisitorSeesPublicRepositoriesOnly() throws Exception {
        String open = "uipublic/" + unique("app");
        String closed = "uiprivate/" + unique("app");
        pushImage(open, "v1", ADMIN);
        pushImage(closed, "v1", ADMIN);
        HttpResponse<String> made = call("PUT", "/api/v1/repositories/" + open, ADMIN, Map.of("visibility", "public"));
        assertThat(made.statusCode()).isEqualTo(200);

        try (BrowserContext context = chromium.desktop(baseUrl())) {
            Page page = context.newPage();
            page.navigate("/ui/");
            assertThat(page.locator("tr.repository a", new Page.LocatorOptions().setHasText(open))).hasCount(1);
            assertThat(page.locator("tr.repository a", new Page.LocatorOptions().setHasText(closed))).hasCount(0);
            assertThat(page.locator("tr.repository .badge.private")).hasCount(0);
            assertThat(page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.LINK,
                    new Locator.GetByRoleOptions().setName("Sign in").setExact(true))).isVisible();
            screenshot(page, "anonymous-01-repositories");

            page.navigate("/ui/repositories/" + open);
            assertThat(page.locator("tr.tag[data-tag=v1] .pull-command")).isVisible();
            assertThat(page.locator("button.danger")).hasCount(0);

            page.navigate("/ui/repositories/" + closed);
            page.waitForURL("**/ui/login?next=**");
            assertThat(page.getByLabel("Username")).isVisible();
            screenshot(page, "anonymous-02-private-asks-sign-in");
        }
    }

    @Test
    void anAdministratorManagesUsersByKeyboardAtPhoneWidth() throws Exception {
        String name = unique("u");
        String session = signIn(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);
        try (BrowserContext context = chromium.phone(baseUrl())) {
            context.addCookies(List.of(new Cookie(UiSessions.COOKIE, session.substring(session.indexOf('=') + 1))
                    .setDomain("localhost").setPath("/ui")));
            Page page = context.newPage();
            page.navigate("/ui/");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Users").setExact(true)).click();
            page.waitForURL("**/ui/admin/users");

            page.getByLabel("Username").focus();
            page.keyboard().type(name);
            page.keyboard().press("Tab");
            page.keyboard().type("browser-pw-1");
            page.keyboard().press("Tab");
            page.keyboard().press("Space");
            page.keyboard().press("Tab");
            page.keyboard().press("Enter");
            page.waitForURL("**/ui/admin/users?done=created**");
            Locator row = page.locator("tr.user[data-user=" + name + "]");
            assertThat(page.getByRole(AriaRole.STATUS)).hasText("Created user " + name + ".");
            assertThat(row).containsText("administrator");
            assertThat(page.evaluate("document.documentElement.scrollWidth")).isEqualTo(390);
            screenshot(page, "12-phone-users");

            row.locator("summary").focus();
            page.keyboard().press("Enter");
            page.keyboard().press("Tab");
            page.keyboard().type("browser-pw-2");
            page.keyboard().press("Enter");
            page.waitForURL("**/ui/admin/users?done=password**");
            assertThat(tokenResponse(basic(name, "browser-pw-2")).statusCode()).isEqualTo(200);

            page.onceDialog(dialog -> {
                assertThat(dialog.message()).contains("Delete user " + name);
                dialog.accept();
            });
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete " + name)).click();
            page.waitForURL("**/ui/admin/users?done=deleted**");
            assertThat(row).hasCount(0);
            screenshot(page, "13-phone-user-deleted");
        }
    }
}
