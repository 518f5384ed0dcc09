package io.stowage.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stowage.auth.TokenAuth;
import io.stowage.config.StowageProperties.UntaggedPolicy;
import io.stowage.gc.GarbageCollector;
import io.stowage.metadata.RepositoryRecords;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The storage page over plain HTTP: its figures against what was pushed, the garbage collection runs it lists, and
 * who may see it (administrators; others get 403, anonymous visitors the sign-in page).
 */
@TokenAuth
class UiStorageIT extends UiTestBase {

    private static final String PAGE = "/ui/admin/storage";
    private static final String PASSWORD = "ui-storage-password-1";
    private static final Pattern STORED_TOTAL = Pattern.compile("id=\"stored\"><span title=\"(\\d+) bytes\">");

    private final Random random = new Random();

    @Autowired
    private GarbageCollector collector;

    @Autowired
    private RepositoryRecords repositories;

    @Test
    void anAdministratorSeesLogicalAndStoredBytesPerNamespaceAndRepository() throws Exception {
        String namespace = unique("st");
        String first = namespace + "/first";
        String second = namespace + "/second";
        // Megabytes, so that these repositories are among the largest the page lists whatever other tests pushed.
        byte[] config = config();
        byte[] shared = randomBytes(3 * 1024 * 1024 + 123);
        byte[] firstLayer = randomBytes(1024 * 1024 + 7);
        byte[] secondLayer = randomBytes(2 * 1024 * 1024 + 11);
        long firstManifest = push(first, config, shared, firstLayer);
        long secondManifest = push(second, config, shared, secondLayer);

        long firstStored = config.length + shared.length + firstLayer.length;
        long secondStored = config.length + shared.length + secondLayer.length;
        long namespaceStored = config.length + shared.length + firstLayer.length + secondLayer.length;
        long namespaceLogical = firstStored + firstManifest + secondStored + secondManifest;
        assertThat(namespaceLogical).as("the shared layer and config count once per repository")
                .isGreaterThan(namespaceStored);

        String cookie = signIn(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);
        HttpResponse<String> page = page(PAGE, cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        assertThat(html).contains("href=\"/ui/admin/storage\"");

        String namespaceRow = row(html, "data-namespace=\"" + namespace + "\"");
        assertThat(namespaceRow).contains("data-label=\"Repositories\" class=\"num\">2</td>");
        assertSize(namespaceRow, "Logical", namespaceLogical);
        assertSize(namespaceRow, "Stored", namespaceStored);

        String firstRow = row(html, "data-repository=\"" + first + "\"");
        assertThat(firstRow).contains("href=\"" + UiPaths.repository(first) + "\"");
        assertSize(firstRow, "Logical", firstStored + firstManifest);
        assertSize(firstRow, "Stored", firstStored);
        assertSize(firstRow, "Exclusive", firstLayer.length);
        String secondRow = row(html, "data-repository=\"" + second + "\"");
        assertSize(secondRow, "Logical", secondStored + secondManifest);
        assertSize(secondRow, "Stored", secondStored);
        assertSize(secondRow, "Exclusive", secondLayer.length);
        assertThat(html.indexOf(secondRow)).as("largest first").isLessThan(html.indexOf(firstRow));

        Matcher stored = STORED_TOTAL.matcher(html);
        assertThat(stored.find()).as(html).isTrue();
        assertThat(Long.parseLong(stored.group(1))).isGreaterThanOrEqualTo(namespaceStored);
        // Other tests leave unreferenced blobs behind, which may outweigh what sharing saves over the registry.
        assertThat(html).containsPattern(
                "id=\"saving\">(none|\\d+(\\.\\d)? [KMGT]?i?B, \\d+\\.\\d% of the logical bytes)<");
    }

    @Test
    void theLastGarbageCollectionRunsAreListedNewestFirst() throws Exception {
        String repository = unique("st") + "/orphans";
        pushBlob(repository, randomBytes(4321), ADMIN);
        GarbageCollector.Report report = collector.pass(new GarbageCollector.Options(false, true,
                Set.of(repositories.findId(repository).orElseThrow()), UntaggedPolicy.KEEP));
        assertThat(report.bytes()).isEqualTo(4321);

        String cookie = signIn(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);
        String newest = row(page(PAGE, cookie).body(), "class=\"gc-run\"");
        assertThat(newest).contains(">scheduled<").contains("1 blob link, 1 blob").contains(">none<")
                .doesNotContain("dry run");
        assertSize(newest, "Freed", 4321);

        assertThat(call("POST", "/api/v1/gc", ADMIN, Map.of("dryRun", true)).statusCode()).isEqualTo(200);
        newest = row(page(PAGE, cookie).body(), "class=\"gc-run\"");
        assertThat(newest).contains(">admin<").contains("dry run");
    }

    @Test
    void otherUsersAreRefusedAndAnonymousVisitorsSentToSignIn() throws Exception {
        String user = newUser(PASSWORD, false);
        String cookie = signIn(user, PASSWORD);
        HttpResponse<String> refused = page(PAGE, cookie);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("only administrators");
        assertThat(page("/ui/", cookie).body()).doesNotContain("/ui/admin/storage");

        HttpResponse<String> anonymous = page(PAGE, null);
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location)
                .contains("/ui/login?next=" + encode(PAGE)));
    }

    /** Pushes an image of the config and layers to the repository; the size of its manifest. */
    private long push(String repository, byte[] config, byte[]... layers) throws Exception {
        pushBlob(repository, config, ADMIN);
        for (byte[] layer : layers) {
            pushBlob(repository, layer, ADMIN);
        }
        return pushManifest(repository, "v1", config, List.of(layers), ADMIN).length;
    }

    /** The size cell of the row with that label: the size formatted, and exact in its title. */
    private static String cell(String row, String label) {
        Matcher cell = Pattern.compile("<td(?=[^>]*data-label=\"" + label + "\")[^>]*>[^<]*</td>").matcher(row);
        assertThat(cell.find()).as(label + " in " + row).isTrue();
        return cell.group().replaceAll("\\s+", " ");
    }

    private static void assertSize(String row, String label, long bytes) {
        assertThat(cell(row, label)).contains("title=\"" + bytes + " bytes\"")
                .endsWith(">" + UiViews.bytes(bytes) + "</td>");
    }

    /** The first table row carrying the marker. */
    private static String row(String html, String marker) {
        int at = html.indexOf(marker);
        assertThat(at).as(marker + " in " + html).isNotNegative();
        return html.substring(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
    }

    private byte[] config() {
        return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":\"" + random.nextLong() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private byte[] randomBytes(int size) {
        byte[] content = new byte[size];
        random.nextBytes(content);
        return content;
    }
}
