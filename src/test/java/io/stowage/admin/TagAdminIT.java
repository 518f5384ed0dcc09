package io.stowage.admin;

import static io.stowage.distribution.RegistryClient.OCI_CONFIG;
import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static io.stowage.distribution.RegistryClient.imageManifest;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stowage.auth.TokenAuth;
import io.stowage.config.StowageProperties.UntaggedPolicy;
import io.stowage.distribution.RegistryClient;
import io.stowage.distribution.RegistryClient.Blob;
import io.stowage.distribution.RegistryClient.Manifest;
import io.stowage.gc.GarbageCollector;
import io.stowage.metadata.RepositoryRecords;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

@TokenAuth
class TagAdminIT extends AdminApiTestBase {

    @Autowired
    private GarbageCollector collector;

    @Autowired
    private RepositoryRecords repositories;

    @Test
    void tagsAreListedInByteOrderWithTheirManifestsPageByPage() throws Exception {
        RegistryClient registry = registry(ADMIN);
        String name = unique("tags") + "/app";
        Manifest first = registry.pushImage(name, "v1");
        registry.pushManifest(name, "Latest", OCI_MANIFEST, first.bytes());
        Manifest second = registry.pushImage(name, "v2");
        registry.pushManifest(name, "latest", OCI_MANIFEST, second.bytes());
        Instant pushed = Instant.now();

        HttpResponse<String> all = get("/api/v1/repositories/" + name + "/-/tags", ADMIN);

        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        JsonNode body = json(all);
        assertThat(body.get("name").asString()).isEqualTo(name);
        assertThat(body.has("next")).isFalse();
        assertThat(all.headers().firstValue("Link")).isEmpty();
        JsonNode tags = body.get("tags");
        assertThat(tags.valueStream().map(t -> t.get("name").asString()).toList())
                .containsExactly("Latest", "latest", "v1", "v2");
        assertThat(tags.valueStream().map(t -> t.get("digest").asString()).toList())
                .containsExactly(first.digest(), second.digest(), first.digest(), second.digest());
        assertThat(tags.valueStream().map(t -> t.get("mediaType").asString()).distinct().toList())
                .containsExactly(OCI_MANIFEST);
        assertThat(Instant.parse(tags.get(0).get("updatedAt").asString())).isBefore(pushed.plusSeconds(60));

        List<String> paged = new ArrayList<>();
        String url = "/api/v1/repositories/" + name + "/-/tags?n=3";
        List<String> links = new ArrayList<>();
        while (url != null) {
            HttpResponse<String> page = get(url, ADMIN);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            json(page).get("tags").forEach(t -> paged.add(t.get("name").asString()));
            url = json(page).has("next") ? json(page).get("next").asString() : null;
            page.headers().firstValue("Link").ifPresent(links::add);
        }
        assertThat(paged).containsExactly("Latest", "latest", "v1", "v2");
        assertThat(links).containsExactly("</api/v1/repositories/" + name + "/-/tags?last=v1&n=3>; rel=\"next\"");
        assertThat(json(get("/api/v1/repositories/" + name + "/-/tags?last=latest", ADMIN)).get("tags")
                .valueStream().map(t -> t.get("name").asString()).toList()).containsExactly("v1", "v2");

        assertError(get("/api/v1/repositories/" + name + "/-/tags?n=0", ADMIN), 400, "invalid_request");
        assertError(get("/api/v1/repositories/" + name + "/-/tags?n=1001", ADMIN), 400, "invalid_request");
        assertError(get("/api/v1/repositories/" + name + "/-/tags?last=" + encode("a b"), ADMIN),
                400, "invalid_request");
        assertError(get("/api/v1/repositories/" + unique("none") + "/app/-/tags", ADMIN), 404, "not_found");
        // A repository without tags (made through the API, never pushed to) lists none.
        String empty = unique("empty") + "/app";
        assertThat(call("PUT", "/api/v1/repositories/" + empty, ADMIN, Map.of("description", "")).statusCode())
                .isEqualTo(200);
        assertThat(json(get("/api/v1/repositories/" + empty + "/-/tags", ADMIN)).get("tags").isEmpty()).isTrue();
    }

    @Test
    void whoeverMayPullListsTagsAndOnlyManagersDeleteThem() throws Exception {
        String alice = newUser("alice-pw", false);
        String bob = newUser("bob-pw", false);
        String aliceCredentials = basic(alice, "alice-pw");
        String bobCredentials = basic(bob, "bob-pw");
        String alices = alice + "/app";
        pushImage(alices, "v1", aliceCredentials);
        String tags = "/api/v1/repositories/" + alices + "/-/tags";

        assertThat(get(tags, aliceCredentials).statusCode()).isEqualTo(200);
        assertError(get(tags, bobCredentials), 403, "forbidden");
        // Refused whether it exists or not: a 404 would tell what another namespace holds.
        assertError(get("/api/v1/repositories/" + alice + "/nothing/-/tags", bobCredentials), 403, "forbidden");
        assertError(get(tags, null), 401, "unauthorized");
        assertError(call("DELETE", tags + "/v1", null, null), 401, "unauthorized");

        assertThat(call("PUT", "/api/v1/repositories/" + alices, aliceCredentials, Map.of("visibility", "public"))
                .statusCode()).isEqualTo(200);
        assertThat(get(tags, bobCredentials).statusCode()).as("public: anyone signed in may pull").isEqualTo(200);
        assertError(call("DELETE", tags + "/v1", bobCredentials, null), 403, "forbidden");

        String robot = unique("lister");
        HttpResponse<String> created = call("POST", "/api/v1/robots", ADMIN, Map.of("name", robot,
                "permissions", List.of(Map.of("repository", robot + "/*", "actions", List.of("pull", "delete")))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String robotCredentials = basic("robot+" + robot, json(created).get("secret").asString());
        String robots = robot + "/app";
        pushImage(robots, "v1", ADMIN);
        assertThat(get("/api/v1/repositories/" + robots + "/-/tags", robotCredentials).statusCode()).isEqualTo(200);
        assertError(call("DELETE", "/api/v1/repositories/" + robots + "/-/tags/v1", robotCredentials, null),
                403, "forbidden");

        assertThat(registry(ADMIN).get("/v2/" + alices + "/manifests/v1").statusCode()).isEqualTo(200);
        assertThat(call("DELETE", tags + "/v1", aliceCredentials, null).statusCode()).isEqualTo(204);
        assertThat(registry(ADMIN).get("/v2/" + alices + "/manifests/v1").statusCode()).isEqualTo(404);
    }

    @Test
    void deletingATagLeavesTheManifestToCollectionExactlyAsTheRegistryDoes() throws Exception {
        RegistryClient registry = registry(ADMIN);
        String name = unique("untag") + "/app";
        Blob layer = registry.pushRandomBlob(name, 400);
        Manifest image = registry.pushManifest(name, "v1", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, registry.pushConfig(name, OCI_CONFIG), List.of(layer)));
        registry.pushManifest(name, "v2", OCI_MANIFEST, image.bytes());
        String tags = "/api/v1/repositories/" + name + "/-/tags";

        HttpResponse<String> deleted = call("DELETE", tags + "/v1", ADMIN, null);

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(registry.get("/v2/" + name + "/manifests/v1").statusCode()).isEqualTo(404);
        assertThat(registry.get("/v2/" + name + "/manifests/v2").statusCode()).isEqualTo(200);
        assertThat(json(get(tags, ADMIN)).get("tags").valueStream().map(t -> t.get("name").asString()).toList())
                .containsExactly("v2");
        assertThat(pass(name).manifests()).as("still tagged v2").isEmpty();

        assertThat(call("DELETE", tags + "/v2", ADMIN, null).statusCode()).isEqualTo(204);
        // Untagged by a delete, not pushed untagged: it goes whatever the policy for untagged pushes.
        GarbageCollector.Report report = pass(name);
        assertThat(report.manifests()).containsExactly(name + "@" + image.digest());
        assertThat(report.blobs()).contains(layer.digest());
        assertThat(storedObjects().holding(layer.content())).isEmpty();
        assertThat(registry.get("/v2/" + name + "/manifests/" + image.digest()).statusCode()).isEqualTo(404);

        JsonNode events = json(get("/api/v1/audit?action=tag.delete&n=1000", ADMIN)).get("events");
        assertThat(events.valueStream().filter(e -> e.get("target").asString().startsWith(name + ":"))
                .map(e -> e.get("actor").asString() + " " + e.get("target").asString() + " "
                        + e.get("detail").asString()).toList())
                .containsExactly("admin " + name + ":v2 {\"digest\":\"" + image.digest() + "\"}",
                        "admin " + name + ":v1 {\"digest\":\"" + image.digest() + "\"}");

        assertError(call("DELETE", tags + "/v2", ADMIN, null), 404, "not_found");
        assertError(call("DELETE", tags + "/bad..tag%21", ADMIN, null), 400, "invalid_request");
        assertError(call("DELETE", "/api/v1/repositories/" + unique("none") + "/app/-/tags/v1", ADMIN, null),
                404, "not_found");
    }

    @Test
    void tagsAndRepositoriesNamedTagsAreNeverMistakenForEachOther() throws Exception {
        String namespace = unique("routes");
        // A repository whose last component is "tags", and one whose name is only a namespace.
        String tagsRepository = namespace + "/tags";
        pushImage(tagsRepository, "v1", ADMIN);
        pushImage(namespace, "v1", ADMIN);

        JsonNode settings = json(get("/api/v1/repositories/" + tagsRepository, ADMIN));
        assertThat(settings.get("name").asString()).isEqualTo(tagsRepository);
        JsonNode listed = json(get("/api/v1/repositories/" + tagsRepository + "/-/tags", ADMIN));
        assertThat(listed.get("name").asString()).isEqualTo(tagsRepository);
        assertThat(listed.get("tags").valueStream().map(t -> t.get("name").asString()).toList())
                .containsExactly("v1");
        assertThat(json(get("/api/v1/repositories/" + namespace + "/-/tags", ADMIN)).get("name").asString())
                .isEqualTo(namespace);

        // Whatever follows "/-/" is a resource of the repository; there is no repository with a "-" component.
        assertError(get("/api/v1/repositories/" + tagsRepository + "/-/unknown", ADMIN), 404, "not_found");
        assertError(call("DELETE", "/api/v1/repositories/" + tagsRepository + "/-/tags", ADMIN, null),
                404, "not_found");
        assertError(call("PUT", "/api/v1/repositories/" + namespace + "/-/tags", ADMIN,
                Map.of("visibility", "public")), 404, "not_found");
        assertError(get("/api/v1/repositories/" + tagsRepository + "/-/tags/v1/more", ADMIN), 404, "not_found");
        assertError(call("DELETE", "/api/v1/repositories/-/tags/v1", ADMIN, null), 404, "not_found");
        assertThat(registry(ADMIN).get("/v2/" + tagsRepository + "/manifests/v1").statusCode()).isEqualTo(200);
        assertThat(registry(ADMIN).get("/v2/" + namespace + "/manifests/v1").statusCode()).isEqualTo(200);
        assertThat(json(get("/api/v1/repositories/" + namespace, ADMIN)).get("visibility").asString())
                .isEqualTo("private");
    }

    private GarbageCollector.Report pass(String repository) {
        return collector.pass(new GarbageCollector.Options(false, true,
                Set.of(repositories.findId(repository).orElseThrow()), UntaggedPolicy.KEEP));
    }
}
