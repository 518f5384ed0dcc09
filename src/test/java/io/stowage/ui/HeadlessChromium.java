package io.stowage.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;

/**
 * Debian's {@code chromium} driven headless by Playwright, which downloads no browser, as the UI's browser tests use
 * it: contexts at desktop or phone size, sign-in through the form, full-page screenshots in
 * {@code target/ui-screenshots/}. Without chromium a test is skipped, except under CI, where it fails.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    private final Playwright playwright;
    private final Browser browser;

    private HeadlessChromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    /** Starts chromium, or skips the test (fails it under CI) when it is not installed. */
    public static HeadlessChromium launch() {
        boolean installed = Files.isExecutable(EXECUTABLE);
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("chromium is not installed (Debian package chromium); CI must install it");
        }
        assumeTrue(installed, "chromium is not installed (Debian package chromium)");
        try {
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(EXECUTABLE).setHeadless(true));
        return new HeadlessChromium(playwright, browser);
    }

    /** A fresh context (no cookies) at 1280×800 that may read and write the clipboard of {@code baseUrl}. */
    public BrowserContext desktop(String baseUrl) {
        return context(baseUrl, 1280, 800);
    }

    /** A fresh context at 390×844, an iPhone 12 to 15's CSS viewport. */
    public BrowserContext phone(String baseUrl) {
        return context(baseUrl, 390, 844);
    }

    private BrowserContext context(String baseUrl, int width, int height) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(width, height).setBaseURL(baseUrl));
        context.grantPermissions(List.of("clipboard-read", "clipboard-write"),
                new BrowserContext.GrantPermissionsOptions().setOrigin(baseUrl));
        return context;
    }

    /** Signs in through the form at {@code /ui/login} with the mouse, and waits for the repositories. */
    public static void signIn(Page page, String username, String password) {
        page.navigate("/ui/login");
        page.getByLabel("Username").fill(username);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL("**/ui/");
        assertThat(page.locator(".who")).hasText(username);
    }

    /** Saves the whole page as {@code target/ui-screenshots/<name>.png}. */
    public static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
