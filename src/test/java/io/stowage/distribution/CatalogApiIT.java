package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stowage.RegistryTestBase;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v2/_catalog}: repository names in byte order with n/last pagination. The application is shared
 * by every IT class, so each test lists only the slice after a prefix of its own ({@code last=<prefix>}).
 */
class CatalogApiIT extends RegistryTestBase {

    private static final Pattern NEXT = Pattern.compile("^<([^>]+)>;\\s*rel=\"next\"$");

    private final RegistryClient registry = new RegistryClient(http, this::request);

    private static String prefix() {
        return "test/catalog-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<String> repositories(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        json(response.body()).get("repositories").forEach(name -> names.add(name.asString()));
        return names;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void repositoriesAreListedInByteOrder() {
        String prefix = prefix();
        List<String> names = List.of(prefix + "/zeta", prefix + "/alpha", prefix + "/alpha/nested", prefix + "/0",
                prefix + "/alpha-b", prefix + "/alpha.b", prefix + "/alpha_b");
        for (String name : names) {
            registry.pushImage(name, "v1");
        }

        HttpResponse<String> response = registry.get("/v2/_catalog?n=" + names.size() + "&last=" + encode(prefix));

        assertThat(repositories(response)).containsExactly(prefix + "/0", prefix + "/alpha", prefix + "/alpha-b",
                prefix + "/alpha.b", prefix + "/alpha/nested", prefix + "/alpha_b", prefix + "/zeta");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
    }

    @Test
    void paginationFollowsTheLinkHeader() {
        String prefix = prefix();
        for (String name : List.of("c", "a", "b")) {
            registry.pushImage(prefix + "/" + name, "v1");
        }

        HttpResponse<String> first = registry.get("/v2/_catalog?n=2&last=" + encode(prefix));
        assertThat(repositories(first)).containsExactly(prefix + "/a", prefix + "/b");
        String link = first.headers().firstValue("Link").orElseThrow(() -> new AssertionError("no Link header"));
        Matcher m = NEXT.matcher(link);
        assertThat(m.matches()).as(link).isTrue();
        assertThat(m.group(1)).startsWith("/v2/_catalog?");

        HttpResponse<String> second = registry.get(m.group(1));
        assertThat(repositories(second).getFirst()).isEqualTo(prefix + "/c");
    }

    @Test
    void repositoriesWithoutManifestsAreNotListed() {
        String prefix = prefix();
        registry.pushRandomBlob(prefix + "/blobs-only", 10);
        registry.pushImage(prefix + "/image", "v1");

        HttpResponse<String> response = registry.get("/v2/_catalog?n=2&last=" + encode(prefix));

        assertThat(repositories(response).getFirst()).isEqualTo(prefix + "/image");
        assertThat(repositories(response)).doesNotContain(prefix + "/blobs-only");
    }

    @Test
    void fullCatalogContainsPushedRepositoriesSorted() {
        String name = prefix() + "/full";
        registry.pushImage(name, "v1");

        List<String> all = repositories(registry.get("/v2/_catalog"));

        assertThat(all).contains(name);
        assertThat(all).isSortedAccordingTo(String::compareTo);
    }

    @Test
    void nZeroIsAnEmptyListWithoutLink() {
        registry.pushImage(prefix() + "/zero", "v1");

        HttpResponse<String> response = registry.get("/v2/_catalog?n=0");

        assertThat(repositories(response)).isEmpty();
        assertThat(response.headers().firstValue("Link")).isEmpty();
    }

    @Test
    void invalidNIs400() {
        HttpResponse<String> response = registry.get("/v2/_catalog?n=-3");

        assertThat(response.statusCode()).isEqualTo(400);
        RegistryClient.assertOciErrorBody(response);
    }
}
