package io.stowage.admin;

import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.stowage.auth.TokenAuth;
import io.stowage.config.StowageProperties.UntaggedPolicy;
import io.stowage.distribution.RegistryClient;
import io.stowage.distribution.RegistryClient.Manifest;
import io.stowage.gc.GarbageCollector;
import io.stowage.metadata.RepositoryRecords;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Immutability rules over real HTTP: a frozen tag keeps its manifest against pushes, deletes by tag and by digest, a
 * repository delete and the collector; the same digest pushed again is fine; excepted tags move; only the owners of
 * a namespace (and administrators) set rules for it and delete frozen tags, with a reason the audit log keeps.
 * Every rule covers a namespace of its own test, so that no other test meets it.
 */
@TokenAuth
class ImmutabilityAdminIT extends AdminApiTestBase {

    @Autowired
    private GarbageCollector collector;

    @Autowired
    private RepositoryRecords repositories;

    @Test
    void aFrozenTagKeepsItsManifestWhileExceptedTagsMove() throws Exception {
        String namespace = unique("gov");
        String name = namespace + "/app";
        long rule = createRule(ADMIN, namespace + "/*", List.of("v*", "[0-9]*"), List.of("*-rc*"));
        RegistryClient registry = registry(ADMIN);
        Manifest first = registry.pushImage(name, "v1.0");
        for (String tag : List.of("2.0", "1.0-rc1", "latest")) {
            registry.pushManifest(name, tag, OCI_MANIFEST, first.bytes());
        }
        Manifest second = registry.pushImage(name, "dev");

        for (String frozen : List.of("v1.0", "2.0")) {
            HttpResponse<String> moved = registry.putManifest(name, frozen, OCI_MANIFEST, second.bytes());
            RegistryClient.assertError(moved, 403, "DENIED");
            assertThat(moved.body()).contains("tag " + frozen + " of " + name + " is immutable by immutability rule "
                    + rule + " (" + namespace + "/*: v*, [0-9]*; except *-rc*)").contains("cannot move");
        }
        // A second tag given as ?tag= is held to the same rule, and nothing of the refused push stays.
        RegistryClient.assertError(registry.putManifest(name, second.digest() + "?tag=new&tag=v1.0", OCI_MANIFEST,
                second.bytes()), 403, "DENIED");
        assertThat(registry.head("/v2/" + name + "/manifests/new").statusCode()).isEqualTo(404);
        // The same digest again (a CI retry) is no move.
        registry.pushManifest(name, "v1.0", OCI_MANIFEST, first.bytes());
        // latest and release candidates move.
        registry.pushManifest(name, "latest", OCI_MANIFEST, second.bytes());
        registry.pushManifest(name, "1.0-rc1", OCI_MANIFEST, second.bytes());
        assertDigest(registry, name, "v1.0", first.digest());
        assertDigest(registry, name, "2.0", first.digest());
        assertDigest(registry, name, "latest", second.digest());

        RegistryClient.assertError(registry.delete("/v2/" + name + "/manifests/v1.0"), 403, "DENIED");
        HttpResponse<String> byDigest = registry.delete("/v2/" + name + "/manifests/" + first.digest());
        RegistryClient.assertError(byDigest, 403, "DENIED");
        assertThat(byDigest.body()).contains("tagged 2.0, which is immutable by immutability rule " + rule);
        assertThat(call("DELETE", "/api/v1/repositories/" + name + "/-/tags/v1.0", ADMIN, null).body())
                .contains("immutable by immutability rule " + rule);
        assertError(call("DELETE", "/api/v1/repositories/" + name + "/-/tags/v1.0", ADMIN, null), 403, "forbidden");
        JsonNode repositoryDelete = assertError(call("DELETE", "/api/v1/repositories/" + name, ADMIN, null),
                403, "forbidden");
        assertThat(repositoryDelete.get("detail").asString()).contains("has 2 immutable tags");
        // The excepted and unfrozen tags still go; the collector then finds the first image tagged, and keeps it.
        assertThat(registry.delete("/v2/" + name + "/manifests/1.0-rc1").statusCode()).isEqualTo(202);
        assertThat(registry.delete("/v2/" + name + "/manifests/latest").statusCode()).isEqualTo(202);
        collector.pass(new GarbageCollector.Options(false, true, Set.of(repositories.findId(name).orElseThrow()),
                UntaggedPolicy.COLLECT));
        assertDigest(registry, name, "v1.0", first.digest());
        assertThat(registry.getBytes("/v2/" + name + "/manifests/" + first.digest()).statusCode()).isEqualTo(200);

        // An administrator deletes a frozen tag by naming a reason, which the audit log keeps with the rule.
        String tagDelete = "/api/v1/repositories/" + name + "/-/tags/2.0?reason=" + encode("release withdrawn: CVE");
        assertThat(call("DELETE", tagDelete, ADMIN, null).statusCode()).isEqualTo(204);
        JsonNode events = json(get("/api/v1/audit?action=tag.delete&n=1000", ADMIN)).get("events");
        JsonNode event = events.valueStream().filter(e -> e.get("target").asString().equals(name + ":2.0"))
                .findFirst().orElseThrow();
        assertThat(event.get("detail").toString()).contains("release withdrawn: CVE")
                .contains("immutability rule " + rule);
        assertError(call("DELETE", "/api/v1/repositories/" + name + "?reason=", ADMIN, null), 400, "invalid_request");
        assertThat(call("DELETE", "/api/v1/repositories/" + name + "?reason=retired", ADMIN, null).statusCode())
                .isEqualTo(204);
        assertThat(registry.get("/v2/" + name + "/tags/list").statusCode()).isEqualTo(404);

        assertThat(call("DELETE", "/api/v1/immutability-rules/" + rule, ADMIN, null).statusCode()).isEqualTo(204);
        registry.pushImage(name, "v1.0");
        Manifest moved = registry.pushImage(name, "v1.0"); // without the rule, the tag moves again
        assertDigest(registry, name, "v1.0", moved.digest());
    }

    @Test
    void theOwnersOfANamespaceSetItsRulesAndDeleteFrozenTagsOthersDoNot() throws Exception {
        String organization = unique("org");
        String owner = newUser("pw", false);
        String maintainer = newUser("pw", false);
        assertThat(call("POST", "/api/v1/organizations", ADMIN, Map.of("name", organization, "owners", List.of(owner)))
                .statusCode()).isEqualTo(201);
        assertThat(call("POST", "/api/v1/organizations/" + organization + "/teams", basic(owner, "pw"),
                Map.of("name", "maintainers", "roles", List.of(Map.of("role", "maintainer")),
                        "members", List.of(maintainer))).statusCode()).isEqualTo(201);

        assertError(call("POST", "/api/v1/immutability-rules", basic(maintainer, "pw"),
                Map.of("repository", organization + "/*", "tags", List.of("v*"))), 403, "forbidden");
        assertError(call("POST", "/api/v1/immutability-rules", basic(owner, "pw"),
                Map.of("repository", "*", "tags", List.of("v*"))), 403, "forbidden");
        assertError(call("POST", "/api/v1/immutability-rules", basic(owner, "pw"),
                Map.of("repository", "*/" + organization, "tags", List.of("v*"))), 403, "forbidden");
        long rule = createRule(basic(owner, "pw"), organization + "/*", List.of("v*"), List.of());
        long own = createRule(basic(maintainer, "pw"), maintainer + "/*", List.of("release-*"), List.of());
        assertThat(json(get("/api/v1/immutability-rules", basic(owner, "pw"))).valueStream()
                .map(r -> r.get("id").asLong()).toList()).containsExactly(rule);
        assertThat(json(get("/api/v1/immutability-rules", basic(maintainer, "pw"))).valueStream()
                .map(r -> r.get("id").asLong()).toList()).containsExactly(own);
        assertError(call("DELETE", "/api/v1/immutability-rules/" + rule, basic(maintainer, "pw"), null),
                404, "not_found");

        String name = organization + "/app";
        registry(basic(maintainer, "pw")).pushImage(name, "v1");
        String frozen = "/api/v1/repositories/" + name + "/-/tags/v1";
        assertError(call("DELETE", frozen, basic(maintainer, "pw"), null), 403, "forbidden");
        JsonNode refused = assertError(call("DELETE", frozen + "?reason=mistake", basic(maintainer, "pw"), null),
                403, "forbidden");
        assertThat(refused.get("detail").asString()).contains("owners of its namespace");
        assertThat(call("DELETE", frozen + "?reason=mistake", basic(owner, "pw"), null).statusCode()).isEqualTo(204);

        assertThat(call("DELETE", "/api/v1/immutability-rules/" + rule, basic(owner, "pw"), null).statusCode())
                .isEqualTo(204);
        assertThat(call("DELETE", "/api/v1/immutability-rules/" + own, basic(maintainer, "pw"), null).statusCode())
                .isEqualTo(204);
    }

    @Test
    void invalidRulesAreRefusedWithProblemDetails() throws Exception {
        String namespace = unique("gov");
        for (Object body : List.of(
                Map.of("repository", namespace + "/*", "tags", List.of()),
                Map.of("repository", namespace + "/*", "tags", List.of("v[")),
                Map.of("repository", namespace + "/*", "tags", List.of("v]")),
                Map.of("repository", namespace + "/*", "tags", List.of("[z-a]*")),
                Map.of("repository", namespace + "/*", "tags", List.of("v/1")),
                Map.of("repository", namespace + "/*", "tags", List.of("v*"), "except", List.of("")),
                Map.of("repository", "Upper/*", "tags", List.of("v*")),
                Map.of("repository", namespace + "/*", "tags", List.of("v*"), "frozen", true),
                Map.of("tags", List.of("v*")),
                "[]", "{")) {
            assertError(call("POST", "/api/v1/immutability-rules", ADMIN, body), 400, "invalid_request");
        }
        assertError(call("DELETE", "/api/v1/immutability-rules/999999999", ADMIN, null), 404, "not_found");
        assertError(call("DELETE", "/api/v1/immutability-rules/x", ADMIN, null), 400, "invalid_request");
        assertThat(json(get("/api/v1/immutability-rules", ADMIN)).valueStream()
                .noneMatch(r -> r.get("repository").asString().startsWith(namespace))).isTrue();
    }

    private long createRule(String authorization, String repository, List<String> tags, List<String> except)
            throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("repository", repository);
        body.put("tags", tags);
        body.put("except", except);
        HttpResponse<String> created = call("POST", "/api/v1/immutability-rules", authorization, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode rule = json(created);
        assertThat(rule.get("tags").valueStream().map(JsonNode::asString).toList()).isEqualTo(tags);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/immutability-rules/"
                + rule.get("id").asLong());
        return rule.get("id").asLong();
    }

    private static void assertDigest(RegistryClient registry, String name, String tag, String digest) {
        HttpResponse<String> head = registry.head("/v2/" + name + "/manifests/" + tag);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Docker-Content-Digest")).as(tag).hasValue(digest);
    }
}
