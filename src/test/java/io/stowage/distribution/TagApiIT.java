package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.assertError;
import static io.stowage.distribution.RegistryClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stowage.RegistryTestBase;
import io.stowage.distribution.RegistryClient.Manifest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code GET /v2/<name>/tags/list} (end-8a/b): ASCIIbetical order, n/last pagination with Link. */
class TagApiIT extends RegistryTestBase {

    private static final Pattern NEXT = Pattern.compile("^<([^>]+)>;\\s*rel=\"next\"$");

    private final RegistryClient registry = new RegistryClient(http, this::request);

    /** Pushes one image and points every tag at it. */
    private void tag(String repository, List<String> tags) {
        Manifest manifest = registry.pushImage(repository, tags.getFirst());
        for (String tag : tags.subList(1, tags.size())) {
            registry.pushManifest(repository, tag, RegistryClient.OCI_MANIFEST, manifest.bytes());
        }
    }

    private static List<String> tags(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> tags = new ArrayList<>();
        json(response.body()).get("tags").forEach(tag -> tags.add(tag.asString()));
        return tags;
    }

    private static String next(HttpResponse<String> response) {
        String link = response.headers().firstValue("Link").orElseThrow(() -> new AssertionError("no Link header"));
        Matcher m = NEXT.matcher(link);
        assertThat(m.matches()).as("Link header %s", link).isTrue();
        return m.group(1);
    }

    @Test
    void tagsAreListedAsciibetically() {
        String repository = uniqueRepository("tags-order");
        List<String> pushed = List.of("latest", "Z", "a", "1.0", "B", "_x", "1.10", "1.9", "a-b", "a.b", "a_b", "A");
        tag(repository, pushed);

        HttpResponse<String> response = registry.get("/v2/" + repository + "/tags/list");

        JsonNode body = json(response.body());
        assertThat(body.get("name").asString()).isEqualTo(repository);
        // Byte order (Go's sort.Strings): digits, then upper case, then '_', then lower case.
        assertThat(tags(response)).containsExactly("1.0", "1.10", "1.9", "A", "B", "Z", "_x", "a", "a-b", "a.b",
                "a_b", "latest");
        assertThat(response.headers().firstValue("Link")).isEmpty();
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
    }

    @Test
    void paginationWithNFollowsTheLinkHeader() {
        String repository = uniqueRepository("tags-page");
        tag(repository, List.of("e", "D", "c", "B", "a"));

        HttpResponse<String> first = registry.get("/v2/" + repository + "/tags/list?n=2");
        assertThat(tags(first)).containsExactly("B", "D");
        String nextPath = next(first);
        assertThat(nextPath).startsWith("/v2/" + repository + "/tags/list?");

        HttpResponse<String> second = registry.get(nextPath);
        assertThat(tags(second)).containsExactly("a", "c");
        HttpResponse<String> third = registry.get(next(second));
        assertThat(tags(third)).containsExactly("e");
        assertThat(third.headers().firstValue("Link")).isEmpty();
    }

    @Test
    void lastStartsAfterTheGivenTag() {
        String repository = uniqueRepository("tags-last");
        tag(repository, List.of("a", "b", "c", "d"));

        assertThat(tags(registry.get("/v2/" + repository + "/tags/list?n=2&last=a"))).containsExactly("b", "c");
        assertThat(tags(registry.get("/v2/" + repository + "/tags/list?last=b"))).containsExactly("c", "d");
        // last need not be a tag that exists: the listing starts after it in order.
        assertThat(tags(registry.get("/v2/" + repository + "/tags/list?last=bb"))).containsExactly("c", "d");
        HttpResponse<String> end = registry.get("/v2/" + repository + "/tags/list?n=5&last=d");
        assertThat(tags(end)).isEmpty();
        assertThat(end.headers().firstValue("Link")).isEmpty();
    }

    @Test
    void nExactlyTheNumberOfTagsHasNoLink() {
        String repository = uniqueRepository("tags-exact");
        tag(repository, List.of("a", "b", "c"));

        HttpResponse<String> response = registry.get("/v2/" + repository + "/tags/list?n=3");

        assertThat(tags(response)).containsExactly("a", "b", "c");
        assertThat(response.headers().firstValue("Link")).isEmpty();
    }

    @Test
    void nZeroIsAnEmptyListWithoutLink() {
        String repository = uniqueRepository("tags-zero");
        tag(repository, List.of("a", "b"));

        HttpResponse<String> response = registry.get("/v2/" + repository + "/tags/list?n=0");

        assertThat(tags(response)).isEmpty();
        assertThat(response.headers().firstValue("Link")).isEmpty();
    }

    @Test
    void repositoryWithoutTagsHasAnEmptyList() {
        String repository = uniqueRepository("tags-none");
        Manifest manifest = registry.pushImage(repository, "only");
        registry.delete("/v2/" + repository + "/manifests/only");

        HttpResponse<String> response = registry.get("/v2/" + repository + "/tags/list");

        assertThat(tags(response)).isEmpty();
        assertThat(registry.get("/v2/" + repository + "/manifests/" + manifest.digest()).statusCode()).isEqualTo(200);
    }

    @Test
    void repositoryWithBlobsButNoManifestIsUnknownLikeInTheCatalog() {
        String repository = uniqueRepository("tags-blobs-only");
        registry.pushRandomBlob(repository, 10);

        assertError(registry.get("/v2/" + repository + "/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    void unknownRepositoryIs404NameUnknown() {
        assertError(registry.get("/v2/" + uniqueRepository("tags-unknown") + "/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    void invalidNIs400() {
        String repository = uniqueRepository("tags-badn");
        tag(repository, List.of("a"));

        for (String n : List.of("-1", "abc", "1.5", "0x10")) {
            HttpResponse<String> response = registry.get("/v2/" + repository + "/tags/list?n=" + n);
            assertThat(response.statusCode()).as(n).isEqualTo(400);
            RegistryClient.assertOciErrorBody(response);
        }
    }

    @Test
    void hugeNIsCappedNotAnError() {
        String repository = uniqueRepository("tags-hugen");
        tag(repository, List.of("a", "b"));

        assertThat(tags(registry.get("/v2/" + repository + "/tags/list?n=99999999999999999999")))
                .containsExactly("a", "b");
    }
}
