package io.stowage.clients;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.stowage.ui.HeadlessChromium.screenshot;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.stowage.admin.AdminApiTestBase;
import io.stowage.auth.TokenAuth;
import io.stowage.clients.TestImages.Blob;
import io.stowage.clients.TestImages.Image;
import io.stowage.clients.TestImages.ImageIndex;
import io.stowage.ui.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An administrator's whole visit to the web UI in headless Chromium, in one flow: sign in, find a multi-arch image
 * pushed by skopeo, open a platform's layers and history, copy the pull command, delete a tag, create a robot whose
 * secret then pulls with skopeo. Every step leaves {@code target/ui-screenshots/journey-NN-<step>.png}. In this
 * package for {@link Skopeo} and {@link TestImages}.
 */
@TokenAuth
class UiJourneyIT extends AdminApiTestBase {

    @TempDir
    Path temp;

    @Test
    void anAdministratorFindsAMultiArchImageCopiesItsPullCommandDeletesATagAndCreatesARobot() throws Exception {
        String search = unique("journey");
        String repository = "uijourney/" + search;
        ImageIndex index = Skopeo.pushNewIndex(temp.resolve("layout"), registryHost() + "/" + repository + ":v1",
                TokenAuth.ADMIN + ":" + TokenAuth.ADMIN_PASSWORD);
        Image arm64 = index.images().get(1);
        pushImage(repository, "old", ADMIN);

        try (HeadlessChromium chromium = HeadlessChromium.launch();
             BrowserContext context = chromium.desktop(baseUrl())) {
            Page page = context.newPage();
            page.navigate("/ui/login");
            screenshot(page, "journey-01-login");
            HeadlessChromium.signIn(page, TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);
            screenshot(page, "journey-02-repositories");

            // The search box asks the server as one types (htmx) and swaps the list in.
            page.getByLabel("Search").fill(search);
            assertThat(page.locator("tr.repository")).hasCount(1);
            Locator found = page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(repository).setExact(true));
            assertThat(found).isVisible();
            screenshot(page, "journey-03-search");

            found.click();
            page.waitForURL("**/ui/repositories/" + repository);
            assertThat(page.locator("tr.tag")).hasCount(2);
            screenshot(page, "journey-04-repository");

            page.locator("tr.tag[data-tag=v1] a.manifest-link").click();
            page.waitForURL("**/ui/repositories/" + repository + "/-/manifests/v1");
            assertThat(page.locator(".summary")).containsText("Index (multi-platform)");
            assertThat(page.locator("tr.platform")).hasCount(2);
            assertThat(page.locator("tr.platform[data-platform='linux/amd64']")).isVisible();
            assertThat(page.locator("tr.platform[data-platform='linux/arm64']")).isVisible();
            screenshot(page, "journey-05-index-platforms");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("linux/arm64").setExact(true)).click();
            page.waitForURL("**/-/manifests/" + arm64.manifest().digest());
            assertThat(page.locator("h1")).containsText(arm64.manifest().digest());
            Locator layers = page.locator("tr.layer");
            assertThat(layers).hasCount(arm64.layers().size());
            for (int i = 0; i < arm64.layers().size(); i++) {
                Blob layer = arm64.layers().get(i);
                assertThat(layers.nth(i)).containsText(layer.hex().substring(0, 12));
                assertThat(layers.nth(i).locator("td.num").last()).hasText(TestImages.uiSize(layer.size()));
            }
            Locator history = page.locator("tr.history");
            assertThat(history).hasCount(3);
            assertThat(history.nth(0)).containsText("stowage test layer 0");
            assertThat(history.nth(1)).containsText("stowage test layer 1");
            assertThat(history.nth(2)).containsText("EXPOSE 8080/tcp");
            assertThat(history.nth(2).locator("td.num")).hasText("0 B");
            assertThat(page.locator("dl.config")).containsText("linux/arm64");
            screenshot(page, "journey-06-platform-layers-history");

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("← " + repository)).click();
            page.waitForURL("**/ui/repositories/" + repository);
            String pull = "docker pull " + registryHost() + "/" + repository + ":v1";
            Locator v1 = page.locator("tr.tag[data-tag=v1]");
            assertThat(v1.locator(".pull-command")).hasText(pull);
            v1.getByRole(AriaRole.BUTTON,
                    new Locator.GetByRoleOptions().setName("Copy pull command for v1")).click();
            assertThat(v1.locator("button.copy")).hasText("Copied");
            assertThat(page.evaluate("navigator.clipboard.readText()")).isEqualTo(pull);
            screenshot(page, "journey-07-pull-command-copied");

            // Declining the confirmation keeps the tag; accepting deletes it.
            Locator deleteOld = page.getByRole(AriaRole.BUTTON,
                    new Page.GetByRoleOptions().setName("Delete tag old"));
            page.onceDialog(dialog -> dialog.dismiss());
            deleteOld.click();
            assertThat(page.locator("tr.tag[data-tag=old]")).hasCount(1);
            page.onceDialog(dialog -> {
                assertThat(dialog.type()).isEqualTo("confirm");
                assertThat(dialog.message()).contains("Delete tag old");
                dialog.accept();
            });
            deleteOld.click();
            assertThat(page.locator(".notice")).containsText("Deleted tag old");
            assertThat(page.locator("tr.tag[data-tag=old]")).hasCount(0);
            assertThat(page.locator("tr.tag[data-tag=v1]")).hasCount(1);
            screenshot(page, "journey-08-tag-deleted");
            HttpResponse<String> tags = send(request("/v2/" + repository + "/tags/list")
                    .header("Authorization", ADMIN).GET().build());
            assertThat(tags.statusCode()).isEqualTo(200);
            assertThat(TestImages.readJson(tags.body().getBytes(StandardCharsets.UTF_8)).get("tags"))
                    .isEqualTo(List.of("v1"));

            page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.LINK,
                    new Locator.GetByRoleOptions().setName("Robots").setExact(true)).click();
            page.waitForURL("**/ui/admin/robots");
            screenshot(page, "journey-09-robots");
            String robot = unique("journeybot");
            page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill(robot);
            page.getByLabel("Repositories").fill(repository);
            assertThat(page.getByRole(AriaRole.CHECKBOX, new Page.GetByRoleOptions().setName("pull"))).isChecked();
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create robot")).click();
            Locator secret = page.getByLabel("Secret");
            assertThat(secret).isVisible();
            String value = secret.inputValue();
            assertThat(value).hasSizeGreaterThanOrEqualTo(20);
            assertThat(page.locator("tr.robot[data-robot=" + robot + "]")).containsText(repository + ": pull");
            screenshot(page, "journey-10-robot-secret");

            // The secret pulls the index with a real client, and is never shown again.
            ClientCommand.Result inspected = Skopeo.succeed("inspect", "--raw", "--tls-verify=false", "--creds",
                    "robot+" + robot + ":" + value, "docker://" + registryHost() + "/" + repository + ":v1");
            assertThat(inspected.stdoutBytes()).isEqualTo(index.index().bytes());
            page.navigate("/ui/admin/robots");
            assertThat(page.locator("tr.robot[data-robot=" + robot + "]")).isVisible();
            assertThat(page.getByLabel("Secret")).hasCount(0);
            assertThat(page.content()).doesNotContain(value);
        }
    }
}
