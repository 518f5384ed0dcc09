package io.stowage.distribution;

import static io.stowage.distribution.RegistryClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.metadata.RepositoryRecords;
import io.stowage.registry.PullTally;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/search}, as {@code docker search} calls it, with authentication off. The application is shared by
 * every IT class, so each test searches for a random word only its own repositories contain.
 */
class SearchApiIT extends RegistryTestBase {

    private final RegistryClient registry = new RegistryClient(http, this::request);

    @Autowired
    private RepositoryRecords repositories;
    @Autowired
    private PullTally pulls;

    private static String word() {
        return "srch" + UUID.randomUUID().toString().substring(0, 8);
    }

    private HttpResponse<String> search(String query) {
        return registry.get("/v1/search?" + query);
    }

    private JsonNode found(String query) {
        HttpResponse<String> response = search(query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        return json(response.body());
    }

    private static List<String> names(JsonNode body) {
        return body.get("results").valueStream().map(r -> r.get("name").asString()).toList();
    }

    @Test
    void answersInTheFormatTheDockerCliReads() {
        String word = word();
        String described = "test/" + word + "/app";
        registry.pushImage(described, "v1");
        repositories.update(described, "private", "The App");

        JsonNode body = found("q=" + word);

        assertThat(body.propertyNames()).containsExactlyInAnyOrder("num_pages", "num_results", "page", "page_size",
                "query", "results");
        assertThat(body.get("num_pages").isIntegralNumber()).isTrue();
        assertThat(body.get("num_pages").asLong()).isEqualTo(1);
        assertThat(body.get("num_results").isIntegralNumber()).isTrue();
        assertThat(body.get("num_results").asLong()).isEqualTo(1);
        assertThat(body.get("page").isIntegralNumber()).isTrue();
        assertThat(body.get("page").asInt()).isEqualTo(1);
        assertThat(body.get("page_size").asInt()).isEqualTo(25);
        assertThat(body.get("query").asString()).isEqualTo(word);
        JsonNode result = body.get("results").get(0);
        assertThat(result.propertyNames()).containsExactlyInAnyOrder("name", "description", "star_count",
                "pull_count", "is_official", "is_automated");
        assertThat(result.get("name").asString()).isEqualTo(described);
        assertThat(result.get("description").asString()).isEqualTo("The App");
        assertThat(result.get("star_count").isIntegralNumber()).isTrue();
        assertThat(result.get("star_count").asInt()).isZero();
        assertThat(result.get("pull_count").isIntegralNumber()).isTrue();
        assertThat(result.get("is_official").isBoolean()).isTrue();
        assertThat(result.get("is_official").asBoolean()).isFalse();
        assertThat(result.get("is_automated").isBoolean()).isTrue();
        assertThat(result.get("is_automated").asBoolean()).isFalse();
    }

    @Test
    void matchesNameOrDescriptionIgnoringCaseMostPulledFirst() {
        String word = word();
        String byName = "test/" + word + "-a";
        String byDescription = "test/search-" + UUID.randomUUID().toString().substring(0, 8);
        String mostPulled = "test/" + word + "-b";
        String unrelated = "test/search-" + UUID.randomUUID().toString().substring(0, 8);
        for (String name : List.of(byName, byDescription, mostPulled, unrelated)) {
            registry.pushImage(name, "v1");
        }
        repositories.update(byDescription, "private", "Built from " + word.toUpperCase() + " sources");
        repositories.update(unrelated, "private", "nothing to see");
        for (int i = 0; i < 2; i++) {
            registry.getBytes("/v2/" + mostPulled + "/manifests/v1", "Accept", RegistryClient.OCI_MANIFEST);
        }
        pulls.flush();

        JsonNode body = found("q=" + word.toUpperCase());

        // Then by name: "test/search-…" before "test/srch…".
        assertThat(names(body)).containsExactly(mostPulled, byDescription, byName);
        assertThat(body.get("results").get(0).get("pull_count").asLong()).isEqualTo(2);
        assertThat(body.get("results").get(2).get("description").asString()).isEmpty();
        // No wildcards: _ and % are characters like any other.
        assertThat(names(found("q=" + word.substring(0, 7) + "_"))).isEmpty();
        assertThat(names(found("q=" + URLEncoder.encode(word.substring(0, 7) + "%", StandardCharsets.UTF_8))))
                .isEmpty();
    }

    @Test
    void pagesFollowNAndPage() {
        String word = word();
        for (String suffix : List.of("c", "a", "b")) {
            registry.pushImage("test/" + word + "/" + suffix, "v1");
        }

        JsonNode first = found("q=" + word + "&n=2");
        assertThat(names(first)).containsExactly("test/" + word + "/a", "test/" + word + "/b");
        assertThat(first.get("num_results").asLong()).isEqualTo(3);
        assertThat(first.get("num_pages").asLong()).isEqualTo(2);
        assertThat(first.get("page_size").asInt()).isEqualTo(2);

        JsonNode second = found("q=" + word + "&n=2&page=2");
        assertThat(names(second)).containsExactly("test/" + word + "/c");
        assertThat(second.get("page").asInt()).isEqualTo(2);

        JsonNode beyond = found("q=" + word + "&n=2&page=3");
        assertThat(names(beyond)).isEmpty();
        assertThat(beyond.get("num_results").asLong()).isEqualTo(3);

        assertThat(found("q=" + word + "&n=100").get("results").size()).isEqualTo(3);
    }

    @Test
    void repositoriesWithoutManifestsAreNotFound() {
        String word = word();
        repositories.update("test/" + word + "/empty", "public", "created, never pushed");

        JsonNode body = found("q=" + word);

        assertThat(names(body)).isEmpty();
        assertThat(body.get("num_results").asLong()).isZero();
        assertThat(body.get("num_pages").asLong()).isZero();
    }

    @Test
    void badParametersAreJsonErrors() {
        for (String query : List.of("q=x&n=0", "q=x&n=101", "q=x&n=ten", "q=x&n=-1", "q=x&page=0", "q=x&page=-2",
                "q=x&page=one", "q=x&page=99999999999", "q=" + "x".repeat(256), "q=a%00b", "q=a%0Ab")) {
            HttpResponse<String> response = search(query);
            assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(json(response.body()).get("errors").get(0).get("message").asString()).isNotEmpty();
        }
    }
}
