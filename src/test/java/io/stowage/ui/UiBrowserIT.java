package io.stowage.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import io.stowage.admin.AdminApiTestBase;
import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web UI in headless Chromium (Debian's {@code chromium}, driven by Playwright, which downloads no browser): an
 * administrator signs in, finds a repository pushed here, copies its pull command, deletes a tag after confirming,
 * creates a robot and sees its secret once; an anonymous visitor sees public repositories only. Each step leaves a
 * screenshot in {@code target/ui-screenshots/}. Without chromium the test is skipped, except under CI, where it fails.
 */
@TokenAuth
class UiBrowserIT extends AdminApiTestBase {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    private static Playwright playwright;
    private static Browser browser;

    @BeforeAll
    static void launch() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM);
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("chromium is not installed (Debian package chromium); CI must install it");
        }
        assumeTrue(installed, "chromium is not installed (Debian package chromium)");
        Files.createDirectories(SCREENSHOTS);
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM).setHeadless(true));
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @Test
    void anAdministratorBrowsesCopiesDeletesAndCreatesARobot() throws Exception {
        String repository = "uibrowser/" + unique("app");
        pushImage(repository, "v1", ADMIN);
        pushImage(repository, "v2", ADMIN);

        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(1280, 800).setBaseURL(baseUrl()))) {
            context.grantPermissions(List.of("clipboard-read", "clipboard-write"),
                    new BrowserContext.GrantPermissionsOptions().setOrigin(baseUrl()));
            Page page = context.newPage();

            signInAsAdministrator(page);
            assertThat(page.locator(".who")).hasText(TokenAuth.ADMIN);
            assertThat(page.getByRole(AriaRole.LINK,
                    new Page.GetByRoleOptions().setName(repository).setExact(true))).isVisible();
            screenshot(page, "02-repositories");

            // The search box filters as one types (htmx), on the server.
            page.getByLabel("Search").fill(repository.substring("uibrowser/".length()));
            assertThat(page.locator("tr.repository")).hasCount(1);
            assertThat(page.locator("tr.repository a")).hasText(repository);
            screenshot(page, "03-search");

            page.locator("tr.repository a").click();
            page.waitForURL("**/ui/repositories/" + repository);
            String pull = "docker pull localhost:" + port + "/" + repository + ":v1";
            Locator v1 = page.locator("tr.tag[data-tag=v1]");
            assertThat(v1.locator(".pull-command")).hasText(pull);
            screenshot(page, "04-repository");
            v1.getByRole(AriaRole.BUTTON,
                    new Locator.GetByRoleOptions().setName("Copy pull command for v1")).click();
            assertThat(v1.locator("button.copy")).hasText("Copied");
            assertThat(page.evaluate("navigator.clipboard.readText()")).isEqualTo(pull);

            // Declining the confirmation keeps the tag; accepting deletes it.
            Locator v2Delete = page.locator("tr.tag[data-tag=v2] button.danger");
            page.onceDialog(dialog -> dialog.dismiss());
            v2Delete.click();
            assertThat(page.locator("tr.tag[data-tag=v2]")).hasCount(1);
            page.onceDialog(dialog -> {
                assertThat(dialog.message()).contains("Delete tag v2");
                dialog.accept();
            });
            v2Delete.click();
            assertThat(page.locator(".notice")).containsText("Deleted tag v2");
            assertThat(page.locator("tr.tag[data-tag=v2]")).hasCount(0);
            assertThat(page.locator("tr.tag[data-tag=v1]")).hasCount(1);
            screenshot(page, "05-tag-deleted");
            assertThat(send(request("/v2/" + repository + "/manifests/v2")
                    .header("Authorization", ADMIN).GET().build()).statusCode()).isEqualTo(404);

            // A robot: its secret is shown once, and signs in.
            String robot = unique("bot");
            page.getByRole(AriaRole.LINK,
                    new Page.GetByRoleOptions().setName("Robots")).click();
            page.waitForURL("**/ui/admin/robots");
            page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill(robot);
            page.getByLabel("Repositories").fill("uibrowser/*");
            page.getByRole(AriaRole.BUTTON,
                    new Page.GetByRoleOptions().setName("Create robot")).click();
            Locator secret = page.locator("#secret");
            assertThat(secret).isVisible();
            String value = secret.inputValue();
            assertThat(value).hasSizeGreaterThanOrEqualTo(20);
            assertThat(page.locator("tr.robot[data-robot=" + robot + "]")).containsText("uibrowser/*: pull");
            screenshot(page, "06-robot-created");
            HttpResponse<String> token = send(request("/auth/token?service=stowage")
                    .header("Authorization", basic("robot+" + robot, value)).GET().build());
            assertThat(token.statusCode()).isEqualTo(200);
            page.navigate("/ui/admin/robots");
            assertThat(page.locator("#secret")).hasCount(0);
            assertThat(page.content()).doesNotContain(value);

            // Phone width: the list stacks, nothing scrolls sideways.
            page.setViewportSize(390, 844);
            page.navigate("/ui/?sort=pushed");
            assertThat(page.locator("tr.repository").first()).isVisible();
            assertThat(page.evaluate("document.documentElement.scrollWidth")).isEqualTo(390);
            screenshot(page, "07-phone-repositories");
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

        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(1280, 800).setBaseURL(baseUrl()))) {
            Page page = context.newPage();
            page.navigate("/ui/");
            assertThat(page.locator("tr.repository a", new Page.LocatorOptions().setHasText(open))).hasCount(1);
            assertThat(page.locator("tr.repository a", new Page.LocatorOptions().setHasText(closed))).hasCount(0);
            assertThat(page.locator("tr.repository .badge.private")).hasCount(0);
            assertThat(page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.LINK,
                    new Locator.GetByRoleOptions().setName("Sign in").setExact(true))).isVisible();
            screenshot(page, "08-anonymous");

            page.navigate("/ui/repositories/" + open);
            assertThat(page.locator("tr.tag[data-tag=v1] .pull-command")).isVisible();
            assertThat(page.locator("button.danger")).hasCount(0);

            page.navigate("/ui/repositories/" + closed);
            page.waitForURL("**/ui/login?next=**");
            assertThat(page.getByLabel("Username")).isVisible();
            screenshot(page, "09-anonymous-private-asks-sign-in");
        }
    }

    @Test
    void anAdministratorReadsTheStoragePageOnAPhoneToo() throws Exception {
        pushImage("uistorage/" + unique("app"), "v1", ADMIN);

        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(1280, 800).setBaseURL(baseUrl()))) {
            Page page = context.newPage();
            signInAsAdministrator(page);
            page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.LINK,
                    new Locator.GetByRoleOptions().setName("Storage").setExact(true)).click();
            page.waitForURL("**/ui/admin/storage");
            assertThat(page.getByRole(AriaRole.TABLE, new Page.GetByRoleOptions().setName("Namespaces")))
                    .isVisible();
            assertThat(page.getByRole(AriaRole.TABLE, new Page.GetByRoleOptions().setName("Largest repositories"))
                    .locator("tr.repository").first()).isVisible();
            screenshot(page, "storage");

            page.setViewportSize(390, 844);
            page.reload();
            assertThat(page.locator("tr.repository").first()).isVisible();
            assertThat(page.evaluate("document.documentElement.scrollWidth")).isEqualTo(390);
            screenshot(page, "storage-phone");
        }
    }

    /** Signs in through the form (a screenshot of it on the way) and lands on the repositories. */
    private static void signInAsAdministrator(Page page) {
        page.navigate("/ui/login");
        screenshot(page, "01-login");
        page.getByLabel("Username").fill(TokenAuth.ADMIN);
        page.getByLabel("Password").fill(TokenAuth.ADMIN_PASSWORD);
        page.getByRole(AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL("**/ui/");
    }

    private static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }
}
