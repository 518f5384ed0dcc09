package io.stowage.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.stowage.ui.HeadlessChromium.screenshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import io.stowage.admin.AdminApiTestBase;
import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance 4 of the web UI, page by page in headless Chromium: at phone width (390×844) nothing scrolls sideways,
 * the heading shows and tables stack; at desktop size Tab reaches "Skip to content" first, then every link, button
 * and field in document order, each with a visible focus ring, and every field has a label. The main actions are
 * then done with the keyboard alone. Leaves {@code target/ui-screenshots/layout-<page>-{phone,desktop}.png}.
 */
@TokenAuth
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiLayoutIT extends AdminApiTestBase {

    private static final String REPOSITORY = "uilayout/" + unique("app");

    /** One page of the UI, as a visitor reaches it. */
    record UiPage(String name, String path, boolean signedIn, int status) {

        static UiPage anonymous(String name, String path) {
            return new UiPage(name, path, false, 200);
        }

        static UiPage admin(String name, String path) {
            return new UiPage(name, path, true, 200);
        }

        UiPage answering(int status) {
            return new UiPage(name, path, signedIn, status);
        }

        @Override
        public String toString() {
            return name + " " + path;
        }
    }

    /** Every page of the UI: a new page is one line here. */
    static List<UiPage> pages() {
        String repository = "/ui/repositories/" + REPOSITORY;
        return List.of(
                UiPage.anonymous("login", "/ui/login"),
                UiPage.admin("repositories", "/ui/"),
                UiPage.admin("repository", repository),
                UiPage.admin("manifest-image", repository + "/-/manifests/amd64"),
                UiPage.admin("manifest-index", repository + "/-/manifests/multi"),
                UiPage.admin("robots", "/ui/admin/robots"),
                UiPage.admin("error", "/ui/repositories/uilayout/absent").answering(404),
                UiPage.admin("users", "/ui/admin/users"),
                UiPage.admin("storage", "/ui/admin/storage"));
    }

    private HeadlessChromium chromium;
    private BrowserContext adminOnPhone;
    private BrowserContext adminOnDesktop;
    private BrowserContext anonymousOnPhone;
    private BrowserContext anonymousOnDesktop;

    /** What the pages show: an index over two images whose config, history and annotations have long values. */
    @BeforeAll
    void pushContentAndSignIn() throws Exception {
        Pushed amd64 = pushImageWithHistory("amd64");
        Pushed arm64 = pushImageWithHistory("arm64");
        byte[] index = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s],
                 "annotations":{"org.opencontainers.image.source.with.a.rather.long.annotation.key":"%s"}}
                """.formatted(amd64.entry(), arm64.entry(),
                "https://git.example.com/" + "very-long-path-segment-".repeat(6))
                .getBytes(StandardCharsets.UTF_8);
        putManifest("multi", "application/vnd.oci.image.index.v1+json", index);
        HttpResponse<String> described = call("PUT", "/api/v1/repositories/" + REPOSITORY, ADMIN,
                Map.of("description", "Where the layout test's pages take their content from."));
        assertThat(described.statusCode()).as(described.body()).isEqualTo(200);
        HttpResponse<String> robot = call("POST", "/api/v1/robots", ADMIN, Map.of("name", unique("layoutbot"),
                "permissions", List.of(Map.of("repository", REPOSITORY, "actions", List.of("pull", "push")))));
        assertThat(robot.statusCode()).as(robot.body()).isEqualTo(201);

        chromium = HeadlessChromium.launch();
        adminOnPhone = chromium.phone(baseUrl());
        adminOnDesktop = chromium.desktop(baseUrl());
        anonymousOnPhone = chromium.phone(baseUrl());
        anonymousOnDesktop = chromium.desktop(baseUrl());
        for (BrowserContext context : List.of(adminOnPhone, adminOnDesktop)) {
            try (Page page = context.newPage()) {
                HeadlessChromium.signIn(page, TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);
            }
        }
    }

    @AfterAll
    void close() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void atPhoneWidthNothingScrollsSidewaysAndTablesStack(UiPage ui) {
        try (Page page = (ui.signedIn() ? adminOnPhone : anonymousOnPhone).newPage()) {
            open(page, ui);
            assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setLevel(1))).isVisible();
            Object overflowing = page.evaluate("""
                    () => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                        .map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + e.textContent.trim().slice(0, 40))
                    """);
            assertThat(((Number) page.evaluate("document.documentElement.scrollWidth")).intValue())
                    .as("scrolls sideways because of %s", overflowing)
                    .isLessThanOrEqualTo(((Number) page.evaluate("window.innerWidth")).intValue());
            assertThat(page.evaluate("""
                    () => [...document.querySelectorAll('table td')]
                        .filter(cell => cell.getClientRects().length > 0 && getComputedStyle(cell).display !== 'block')
                        .map(cell => cell.textContent.trim().slice(0, 40))
                    """)).as("table cells shown side by side").asInstanceOf(LIST).isEmpty();
            screenshot(page, "layout-" + ui.name() + "-phone");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pages")
    void onADesktopTabWalksEveryControlInOrderWithAVisibleFocusAndEveryFieldHasALabel(UiPage ui) {
        try (Page page = (ui.signedIn() ? adminOnDesktop : anonymousOnDesktop).newPage()) {
            open(page, ui);
            List<String> stops = castList(page.evaluate(MARK_TAB_STOPS));
            assertThat(page.evaluate(UNLABELLED)).as("fields without a label, controls without a name")
                    .asInstanceOf(LIST).isEmpty();

            startAtTheTop(page);
            List<String> visited = new ArrayList<>();
            List<String> invisible = new ArrayList<>();
            for (int i = 0; i < stops.size(); i++) {
                page.keyboard().press("Tab");
                @SuppressWarnings("unchecked")
                Map<String, Object> focused = (Map<String, Object>) page.evaluate(FOCUSED);
                visited.add((String) focused.get("name"));
                if (!Boolean.TRUE.equals(focused.get("ring")) || !Boolean.TRUE.equals(focused.get("onScreen"))) {
                    invisible.add(focused.get("name") + " " + focused);
                }
                if (i == 0) {
                    screenshot(page, "layout-" + ui.name() + "-desktop");
                }
            }
            assertThat(visited.getFirst()).isEqualTo("a \"Skip to content\"");
            assertThat(visited).as("Tab order").containsExactlyElementsOf(stops);
            assertThat(invisible).as("focused without a visible focus ring").isEmpty();

            // The skip link's target: the next Tab lands on the first control of the main content.
            startAtTheTop(page);
            page.keyboard().press("Tab");
            page.keyboard().press("Enter");
            page.keyboard().press("Tab");
            assertThat(page.evaluate("document.activeElement.closest('main') !== null")).isEqualTo(true);
        }
    }

    @Test
    void theMainActionsNeedOnlyTheKeyboard() throws Exception {
        String search = unique("keys");
        String repository = "uilayout/" + search;
        pushImage(repository, "v1", ADMIN);
        pushImage(repository, "old", ADMIN);

        try (BrowserContext context = chromium.desktop(baseUrl()); Page page = context.newPage()) {
            page.navigate("/ui/login");
            // The username field has the focus as the page opens.
            page.keyboard().type(TokenAuth.ADMIN);
            page.keyboard().press("Tab");
            page.keyboard().type(TokenAuth.ADMIN_PASSWORD);
            page.keyboard().press("Enter");
            page.waitForURL("**/ui/");
            assertThat(page.locator(".who")).hasText(TokenAuth.ADMIN);

            tabTo(page, page.getByLabel("Search"));
            page.keyboard().type(search);
            assertThat(page.locator("tr.repository")).hasCount(1);
            tabTo(page, page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(repository)));
            page.keyboard().press("Enter");
            page.waitForURL("**/ui/repositories/" + repository);

            String pull = "docker pull " + registryHost() + "/" + repository + ":v1";
            Locator copy = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Copy pull command for v1"));
            tabTo(page, copy);
            page.keyboard().press("Enter");
            assertThat(copy).hasText("Copied");
            assertThat(page.evaluate("navigator.clipboard.readText()")).isEqualTo(pull);
            page.evaluate("navigator.clipboard.writeText('')");
            page.keyboard().press("Space");
            assertThat(page.evaluate("navigator.clipboard.readText()")).isEqualTo(pull);

            // The confirmation is the browser's own dialog, which Enter accepts; Playwright answers it here.
            tabTo(page, page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete tag old")));
            page.onceDialog(dialog -> dialog.accept());
            page.keyboard().press("Enter");
            assertThat(page.locator(".notice")).containsText("Deleted tag old");
            assertThat(page.locator("tr.tag[data-tag=old]")).hasCount(0);
        }
    }

    /**
     * Names the Tab stops a keyboard user should meet, in document order (no page uses a positive tabindex): every
     * shown link, button, field and details summary, whatever its tabindex, and whatever else a tabindex makes
     * focusable.
     */
    private static final String MARK_TAB_STOPS = """
            () => {
              const name = e => e.tagName.toLowerCase() + ' "' + (e.getAttribute('aria-label')
                  || (e.labels && e.labels.length ? e.labels[0].textContent : e.textContent) || e.value || '')
                  .replace(/\\s+/g, ' ').trim() + '"';
              const stops = [...document.querySelectorAll(
                  'a[href], button, input, select, textarea, summary, [tabindex]')]
                  .filter(e => !e.disabled && e.type !== 'hidden' && !e.closest('[inert]')
                      && (e.matches('a[href], button, input, select, textarea, summary') || e.tabIndex >= 0)
                      // checkVisibility: also false inside a closed <details>, which still has boxes.
                      && e.checkVisibility({visibilityProperty: true}));
              stops.forEach(e => e.dataset.tabName = name(e));
              return stops.map(e => e.dataset.tabName);
            }
            """;

    /** Fields without a label or a name for assistive technology, links and buttons without a name. */
    private static final String UNLABELLED = """
            () => [...document.querySelectorAll('input, select, textarea, button, summary, a[href]')]
                .filter(e => e.type !== 'hidden')
                .filter(e => ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName)
                    ? !(e.labels.length || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby'))
                    : !(e.getAttribute('aria-label') || e.textContent.trim()))
                .map(e => e.outerHTML.slice(0, 80))
            """;

    /** The focused element's name, whether a focus ring (outline or box shadow) shows, and whether it is in view. */
    private static final String FOCUSED = """
            () => {
              const e = document.activeElement;
              const style = getComputedStyle(e);
              const r = e.getBoundingClientRect();
              return {
                name: e.dataset.tabName || e.tagName.toLowerCase() + ' (not a marked stop)',
                ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                    || style.boxShadow !== 'none',
                onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
                    && r.left < window.innerWidth && r.top < window.innerHeight
              };
            }
            """;

    private void open(Page page, UiPage ui) {
        Response response = page.navigate(ui.path());
        assertThat(response.status()).as(ui.path()).isEqualTo(ui.status());
    }

    /**
     * Moves the keyboard's starting point to the top of the document, as a freshly loaded page without autofocus has
     * it: the body takes the focus for a moment, so the next Tab goes to the first control.
     */
    private static void startAtTheTop(Page page) {
        page.evaluate("() => { const b = document.body; b.tabIndex = -1; b.focus(); b.removeAttribute('tabindex'); }");
    }

    /** Presses Tab until {@code target} has the focus; fails when it never gets it. */
    private static void tabTo(Page page, Locator target) {
        for (int i = 0; i < 60; i++) {
            page.keyboard().press("Tab");
            if (Boolean.TRUE.equals(target.evaluate("e => e === document.activeElement"))) {
                return;
            }
        }
        throw new AssertionError("Tab never reached " + target);
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object value) {
        return (List<String>) value;
    }

    /** A manifest pushed, as an index refers to it. */
    private record Pushed(String digest, int size, String architecture) {

        String entry() {
            return """
                    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d,
                     "platform":{"architecture":"%s","os":"linux"}}""".formatted(digest, size, architecture);
        }
    }

    /** An image for {@code architecture}, tagged so, whose config has long values as real ones do. */
    private Pushed pushImageWithHistory(String architecture) throws Exception {
        String config = """
                {"architecture":"%s","os":"linux","created":"2026-01-01T00:00:00Z",
                 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/toolchains/bin",
                   "JAVA_TOOL_OPTIONS=-XX:+UseContainerSupport,-XX:MaxRAMPercentage=75.0,-Dfile.encoding=UTF-8"],
                   "Cmd":["/opt/app/bin/start-the-application-with-a-long-name","--configuration=/etc/app/app.yaml"],
                   "ExposedPorts":{"8080/tcp":{}},"WorkingDir":"/opt/app",
                   "Labels":{"org.opencontainers.image.source":"https://git.example.com/group/subgroup/project-name"}},
                 "rootfs":{"type":"layers","diff_ids":[]},
                 "history":[{"created":"2026-01-01T00:00:00Z","created_by":"/bin/sh -c apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*"},
                   {"created":"2026-01-01T00:00:00Z","created_by":"EXPOSE 8080/tcp","empty_layer":true}]}
                """.formatted(architecture);
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("layer " + unique(architecture)).getBytes(StandardCharsets.UTF_8);
        String configDigest = pushBlob(REPOSITORY, configBytes, ADMIN);
        String layerDigest = pushBlob(REPOSITORY, layer, ADMIN);
        byte[] manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}
                """.formatted(configDigest, configBytes.length, layerDigest, layer.length)
                .getBytes(StandardCharsets.UTF_8);
        putManifest(architecture, "application/vnd.oci.image.manifest.v1+json", manifest);
        return new Pushed(sha256(manifest), manifest.length, architecture);
    }

    private void putManifest(String tag, String mediaType, byte[] bytes) throws Exception {
        HttpResponse<String> put = send(request("/v2/" + REPOSITORY + "/manifests/" + tag)
                .header("Authorization", ADMIN).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    }
}
