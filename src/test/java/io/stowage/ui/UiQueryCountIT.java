package io.stowage.ui;

import static io.stowage.distribution.RegistryClient.OCI_CONFIG;
import static io.stowage.distribution.RegistryClient.OCI_EMPTY;
import static io.stowage.distribution.RegistryClient.OCI_INDEX;
import static io.stowage.distribution.RegistryClient.OCI_LAYER;
import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static io.stowage.distribution.RegistryClient.descriptor;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * The web UI's listings cost a fixed number of JDBC statements however many rows they show (no query per tag,
 * repository or platform), and paging through them shows every row exactly once. One repository gets 1,000 tagged
 * image manifests, signatures and other referrers, and two indexes; the statements each page runs on its request
 * thread are counted by {@link RequestStatementCounter}.
 */
@TokenAuth
@Import(RequestStatementCounter.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiQueryCountIT extends UiTestBase {

    private static final int IMAGES = 1000;
    /** More statements than this for one page would be a lot for what it shows; the pages today need far fewer. */
    private static final int FEW = 10;
    private static final Pattern TAG = Pattern.compile("data-tag=\"([^\"]+)\"");
    private static final Pattern NEXT = Pattern.compile("href=\"([^\"]+)\" rel=\"next\"");
    private static final Pattern REPOSITORY = Pattern.compile(
            "<td data-label=\"Name\"><a href=\"[^\"]+\">([^<]+)</a>");

    @Autowired
    private RequestStatementCounter counter;

    private final String repository = "uicount/" + unique("r");
    private final Map<String, String> digests = new HashMap<>();
    private final Map<String, Long> sizes = new HashMap<>();
    private String cookie;
    /** A bearer token to push with: basic credentials would cost a password hash per request. */
    private String pusher;

    /** 1,000 tags on image manifests differing by an annotation; a signature, two other referrers; two indexes. */
    @BeforeAll
    void pushTagsReferrersAndIndexes() throws Exception {
        pusher = bearer("&scope=" + encode("repository:" + repository + ":pull,push"));
        byte[] config = "{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}"
                .getBytes(StandardCharsets.UTF_8);
        Map<String, Object> configDescriptor = descriptor(OCI_CONFIG,
                pushBlob(repository, config, ADMIN), config.length);
        byte[] layer = "one layer".getBytes(StandardCharsets.UTF_8);
        Map<String, Object> layerDescriptor = descriptor(OCI_LAYER,
                pushBlob(repository, layer, ADMIN), layer.length);
        Map<String, Object> emptyConfig = descriptor(OCI_EMPTY, pushBlob(repository, "{}".getBytes(), ADMIN), 2);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<String[]>> puts = new ArrayList<>();
            for (int i = 0; i < IMAGES; i++) {
                String tag = "t%04d".formatted(i);
                byte[] manifest = JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", OCI_MANIFEST,
                        "config", configDescriptor, "layers", List.of(layerDescriptor),
                        "annotations", Map.of("org.opencontainers.image.version", tag)));
                puts.add(() -> new String[] {tag, put(tag, OCI_MANIFEST, manifest)});
            }
            for (Future<String[]> done : pool.invokeAll(puts)) {
                digests.put(done.get()[0], done.get()[1]);
            }
        } finally {
            pool.shutdown();
        }

        referrer("t0001", "application/vnd.dev.cosign.artifact.sig.v1+json", emptyConfig, layerDescriptor);
        referrer("t0002", "application/spdx+json", emptyConfig, layerDescriptor);
        referrer("t0002", "application/vnd.in-toto+json", emptyConfig, layerDescriptor);

        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            entries.add(entry("t%04d".formatted(100 + i), Map.of("os", "linux", "architecture", "arch" + i)));
        }
        entries.add(entry("t0150", Map.of("os", "unknown", "architecture", "unknown"))); // an attestation
        put("multi", OCI_INDEX, JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", OCI_INDEX,
                "manifests", entries)));
        put("single", OCI_INDEX, JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", OCI_INDEX,
                "manifests", List.of(entry("t0200", Map.of("os", "linux", "architecture", "amd64"))))));
        // Upper case sorts before lower case in byte order.
        put("Latest", OCI_INDEX, JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", OCI_INDEX,
                "manifests", List.of(entry("t0999", Map.of("os", "linux", "architecture", "amd64"))))));

        cookie = signIn(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);
    }

    @Test
    void aTagPageCostsTheSameStatementsForOneHundredOrAThousandTags() throws Exception {
        String path = "/ui/repositories/" + repository;
        Measured one = measure(path + "?n=1");
        Measured hundred = measure(path);
        Measured thousand = measure(path + "?n=1000");
        report("repository page", one, hundred, thousand);

        assertThat(tags(one.body())).hasSize(1);
        assertThat(tags(hundred.body())).hasSize(100);
        assertThat(tags(thousand.body())).hasSize(1000);
        assertThat(hundred.statements()).as("statements for 100 tags vs 1: %s", hundred.sql())
                .isEqualTo(one.statements());
        assertThat(thousand.statements()).as("statements for 1,000 tags vs 1: %s", thousand.sql())
                .isEqualTo(one.statements());
        assertThat(one.statements()).isPositive().isLessThanOrEqualTo(FEW);
    }

    @Test
    void tagRowsShowPlatformsAndWhatRefersToThem() throws Exception {
        String body = page("/ui/repositories/" + repository + "?n=1000").body();
        assertThat(row(body, "t0001")).contains("class=\"badge signed\"").contains(">signed<")
                .contains("/-/manifests/t0001#referrers");
        assertThat(row(body, "t0002")).contains(">2 referrers<").doesNotContain("badge signed");
        assertThat(row(body, "t0003")).contains("data-label=\"Platforms\" class=\"platforms\">linux/arm64/v8<")
                .contains("<span class=\"muted\">—</span>").doesNotContain("badge signed");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            many.append(i == 0 ? "" : ", ").append("linux/arch").append(i);
        }
        assertThat(row(body, "multi")).contains(">" + many + "<").doesNotContain("unknown/unknown");
        assertThat(row(body, "single")).contains(">linux/amd64<");
    }

    @Test
    void pagingThroughTheTagsShowsEachOnceInByteOrder() throws Exception {
        List<String> expected = new ArrayList<>(digests.keySet());
        expected.addAll(List.of("Latest", "multi", "single"));
        expected.sort(null);
        List<String> seen = new ArrayList<>();
        String path = "/ui/repositories/" + repository + "?n=100";
        int pages = 0;
        while (path != null) {
            String body = page(path).body();
            pages++;
            if (pages == 2) {
                assertThat(body).contains("Tags 101–200 of 1,003").contains("Page 2 of 11")
                        .contains("<nav aria-label=\"Pagination\"").contains("rel=\"prev\"");
            }
            seen.addAll(tags(body));
            path = next(body);
        }
        assertThat(pages).isEqualTo(11);
        assertThat(seen).containsExactlyElementsOf(expected);

        // Whatever the visitor types, a page and never an error.
        assertThat(tags(page("/ui/repositories/" + repository + "?page=abc&n=-5").body())).hasSize(100);
        assertThat(tags(page("/ui/repositories/" + repository + "?n=5000").body())).hasSize(1000);
        HttpResponse<String> past = page("/ui/repositories/" + repository + "?page=999999&n=x");
        assertThat(past.statusCode()).isEqualTo(200);
        assertThat(past.body()).contains("Tags 1,001–1,003 of 1,003");
    }

    @Test
    void theRepositoryListCostsTheSameStatementsForAnyPageSizeAndPagesThroughAll() throws Exception {
        String prefix = "uicountlist" + unique("");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            names.add(prefix + "/r%03d".formatted(i));
        }
        String admin = bearer("");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> creates = new ArrayList<>();
            for (String name : names) {
                creates.add(() -> call("PUT", "/api/v1/repositories/" + name, admin,
                        Map.of("visibility", "private")).statusCode());
            }
            for (Future<Integer> created : pool.invokeAll(creates)) {
                assertThat(created.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        pushBlob(names.get(7), "some bytes".getBytes(StandardCharsets.UTF_8), ADMIN); // one non-zero size

        Measured one = measure("/ui/?q=" + prefix + "&n=1");
        Measured hundred = measure("/ui/?q=" + prefix);
        Measured all = measure("/ui/?q=" + prefix + "&sort=size&n=1000");
        report("repositories list", one, hundred, all);
        assertThat(repositories(one.body())).hasSize(1);
        assertThat(repositories(hundred.body())).hasSize(100);
        assertThat(repositories(all.body())).hasSize(300);
        assertThat(hundred.statements()).as("%s", hundred.sql()).isEqualTo(one.statements());
        assertThat(all.statements()).as("%s", all.sql()).isEqualTo(one.statements());
        assertThat(one.statements()).isPositive().isLessThanOrEqualTo(FEW);

        List<String> seen = new ArrayList<>();
        String path = "/ui/?q=" + prefix + "&sort=size&n=40";
        while (path != null) {
            String body = page(path).body();
            // The pager is inside what htmx swaps, and its links keep the search and the order.
            assertThat(body.indexOf("aria-label=\"Pagination\"")).isGreaterThan(body.indexOf("id=\"repositories\""));
            path = next(body);
            if (path != null) {
                assertThat(path).contains("q=" + prefix).contains("sort=size").contains("n=40");
            }
            seen.addAll(repositories(body));
        }
        List<String> bySize = new ArrayList<>(names);
        bySize.remove(names.get(7));
        bySize.addFirst(names.get(7));
        assertThat(seen).containsExactlyElementsOf(bySize);
    }

    @Test
    void anIndexPageCostsTheSameStatementsForFiftyPlatformsAsForOne() throws Exception {
        String base = "/ui/repositories/" + repository + "/-/manifests/";
        Measured single = measure(base + "single");
        Measured multi = measure(base + "multi");
        report("manifest page", single, multi);
        assertThat(multi.body()).contains("data-platform=\"linux/arch49\"");
        assertThat(multi.statements()).as("%s", multi.sql()).isEqualTo(single.statements());
        assertThat(single.statements()).isPositive().isLessThanOrEqualTo(FEW);
    }

    @Test
    void theAdministratorsPagesCostTheSameStatementsWithThirtyMoreRows() throws Exception {
        List<String> pages = List.of("/ui/admin/users", "/ui/admin/robots", "/ui/admin/storage");
        List<Measured> before = new ArrayList<>();
        for (String path : pages) {
            before.add(measure(path));
        }
        String prefix = "uicountadmin" + unique("").replace("-", "");
        String lastUser = null;
        for (int i = 0; i < 30; i++) {
            lastUser = newUser("count-password-1", false);
            HttpResponse<String> robot = call("POST", "/api/v1/robots", ADMIN, Map.of("name", prefix + i,
                    "permissions", List.of(Map.of("repository", prefix + i + "/*", "actions", List.of("pull")))));
            assertThat(robot.statusCode()).as(robot.body()).isEqualTo(201);
            // A repository in a namespace of its own, with a blob: one more namespace row and repository row.
            pushBlob(prefix + i + "/app", ("bytes of " + prefix + i).getBytes(StandardCharsets.UTF_8), ADMIN);
        }
        assertThat(call("POST", "/api/v1/gc", ADMIN, Map.of()).statusCode()).isEqualTo(200); // one more run row
        for (int i = 0; i < pages.size(); i++) {
            Measured after = measure(pages.get(i));
            report("admin page", before.get(i), after);
            if (pages.get(i).endsWith("users")) {
                assertThat(after.body()).contains(lastUser);
            } else if (pages.get(i).endsWith("robots")) {
                assertThat(after.body()).contains(prefix + "29");
            }
            assertThat(after.statements()).as("%s", after.sql()).isEqualTo(before.get(i).statements());
            assertThat(after.statements()).isPositive().isLessThanOrEqualTo(FEW);
        }
    }

    /** A page and the statements it ran. */
    private record Measured(String path, String body, int statements, List<String> sql) {
    }

    /**
     * The fewest statements of a few requests for the page, after one to warm the caches: a signed-in visitor's
     * account is cached for seconds only, and re-reading it when that runs out during a slow page is no cost of
     * the page. A query per row shows in every request.
     */
    private Measured measure(String path) throws Exception {
        page(path);
        Measured fewest = null;
        for (int i = 0; i < 3; i++) {
            counter.reset();
            HttpResponse<String> response = page(path);
            List<String> sql = counter.statements();
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            if (fewest == null || sql.size() < fewest.statements()) {
                fewest = new Measured(path, response.body(), sql.size(), sql);
            }
        }
        return fewest;
    }

    private static void report(String what, Measured... pages) {
        for (Measured page : pages) {
            System.out.printf("%s %s: %d statements%n", what, page.path(), page.statements());
        }
    }

    private HttpResponse<String> page(String path) throws Exception {
        return page(path, cookie);
    }

    private static List<String> tags(String body) {
        return all(TAG, body);
    }

    private static List<String> repositories(String body) {
        return all(REPOSITORY, body);
    }

    private static List<String> all(Pattern pattern, String body) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(body);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    /** The Next link's target, or null on the last page. */
    private static String next(String body) {
        Matcher matcher = NEXT.matcher(body);
        return matcher.find() ? matcher.group(1).replace("&amp;", "&") : null;
    }

    /** The table row of a tag. */
    private static String row(String body, String tag) {
        int start = body.indexOf("data-tag=\"" + tag + "\"");
        assertThat(start).as("row of " + tag).isPositive();
        return body.substring(start, body.indexOf("</tr>", start));
    }

    private Map<String, Object> entry(String tag, Map<String, String> platform) {
        Map<String, Object> entry = descriptor(OCI_MANIFEST, digests.get(tag), sizes.get(tag));
        entry.put("platform", platform);
        return entry;
    }

    /** Pushes an artifact of {@code artifactType} whose subject is the manifest {@code tag} points to. */
    private void referrer(String tag, String artifactType, Map<String, Object> config, Map<String, Object> layer)
            throws Exception {
        byte[] manifest = JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "mediaType", OCI_MANIFEST,
                "artifactType", artifactType, "config", config, "layers", List.of(layer),
                "subject", descriptor(OCI_MANIFEST, digests.get(tag), sizes.get(tag))));
        put(sha256(manifest), OCI_MANIFEST, manifest);
    }

    /** PUTs a manifest as the administrator; its digest. */
    private String put(String reference, String mediaType, byte[] manifest) throws Exception {
        HttpResponse<String> response = send(request("/v2/" + repository + "/manifests/" + reference)
                .header("Authorization", pusher).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        synchronized (sizes) {
            sizes.put(reference, (long) manifest.length);
        }
        return sha256(manifest);
    }

    /** The administrator's bearer token for {@code scopes} ("" or {@code &scope=...}). */
    private String bearer(String scopes) throws Exception {
        HttpResponse<String> token = send(request("/auth/token?service=stowage" + scopes)
                .header("Authorization", ADMIN).GET().build());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return "Bearer " + JSON.readTree(token.body()).get("token").asString();
    }
}
