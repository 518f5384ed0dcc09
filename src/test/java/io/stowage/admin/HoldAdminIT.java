package io.stowage.admin;

import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
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
 * Legal holds over real HTTP: a held tag neither moves nor goes and a held manifest is never deleted, whoever asks (an
 * administrator with a reason included) and whatever asks (the collector); whoever manages a repository places a
 * hold, only its namespace's owners release one, and both are audited with their reasons.
 */
@TokenAuth
class HoldAdminIT extends AdminApiTestBase {

    @Autowired
    private GarbageCollector collector;

    @Autowired
    private RepositoryRecords repositories;

    @Test
    void heldTagsAndManifestsStayUntilTheHoldIsReleased() throws Exception {
        String user = newUser("pw", false);
        String name = user + "/app";
        RegistryClient registry = registry(ADMIN);
        Manifest release = registry.pushImage(name, "1.4.2");
        Manifest untagged = registry.pushImage(name, "scratch");
        Manifest other = registry.pushImage(name, "other");
        assertThat(registry.delete("/v2/" + name + "/manifests/scratch").statusCode()).isEqualTo(202);
        String holds = "/api/v1/repositories/" + name + "/-/holds";

        JsonNode tagHold = place(holds, Map.of("tag", "1.4.2", "reason", "audit 2026-Q4"));
        assertThat(tagHold.get("tag").asString()).isEqualTo("1.4.2");
        assertThat(tagHold.has("digest")).isFalse();
        JsonNode manifestHold = place(holds, Map.of("digest", untagged.digest(), "reason", "case 17"));
        assertThat(manifestHold.get("digest").asString()).isEqualTo(untagged.digest());
        assertError(call("POST", holds, ADMIN, Map.of("tag", "1.4.2", "reason", "again")), 409, "conflict");

        HttpResponse<String> moved = registry.putManifest(name, "1.4.2", OCI_MANIFEST, other.bytes());
        RegistryClient.assertError(moved, 403, "DENIED");
        assertThat(moved.body()).contains("on legal hold (hold " + tagHold.get("id").asLong() + " by admin: audit "
                + "2026-Q4)");
        RegistryClient.assertError(registry.delete("/v2/" + name + "/manifests/1.4.2"), 403, "DENIED");
        RegistryClient.assertError(registry.delete("/v2/" + name + "/manifests/" + release.digest()), 403, "DENIED");
        RegistryClient.assertError(registry.delete("/v2/" + name + "/manifests/" + untagged.digest()), 403,
                "DENIED");
        assertError(call("DELETE", "/api/v1/repositories/" + name + "/-/tags/1.4.2?reason=x", ADMIN, null),
                403, "forbidden");
        JsonNode repositoryDelete = assertError(call("DELETE", "/api/v1/repositories/" + name + "?reason=x", ADMIN,
                null), 403, "forbidden");
        assertThat(repositoryDelete.get("detail").asString()).contains("holds 2 items on legal hold");
        // The collector, told to delete untagged manifests, keeps the held one.
        collector.pass(new GarbageCollector.Options(false, true, Set.of(repositories.findId(name).orElseThrow()),
                UntaggedPolicy.COLLECT));
        assertThat(registry.getBytes("/v2/" + name + "/manifests/" + untagged.digest()).statusCode()).isEqualTo(200);

        // The namespace's owner lists and releases; a reason is needed.
        assertThat(json(get(holds, basic(user, "pw"))).valueStream().map(h -> h.get("id").asLong()).toList())
                .containsExactly(tagHold.get("id").asLong(), manifestHold.get("id").asLong());
        String release1 = holds + "/" + tagHold.get("id").asLong();
        assertError(call("DELETE", release1, basic(user, "pw"), null), 400, "invalid_request");
        assertThat(call("DELETE", release1 + "?reason=" + encode("audit closed"), basic(user, "pw"), null)
                .statusCode()).isEqualTo(204);
        assertError(call("DELETE", release1 + "?reason=again", basic(user, "pw"), null), 404, "not_found");
        JsonNode events = json(get("/api/v1/audit?action=hold.release&n=1000", ADMIN)).get("events");
        assertThat(events.valueStream().filter(e -> e.get("target").asString().equals(name + ":1.4.2"))
                .findFirst().orElseThrow().get("detail").toString()).contains("audit closed").contains("audit 2026-Q4");
        assertThat(json(get("/api/v1/audit?action=hold.place&n=1000", ADMIN)).get("events").valueStream()
                .anyMatch(e -> e.get("target").asString().equals(name + "@" + untagged.digest()))).isTrue();

        registry.pushManifest(name, "1.4.2", OCI_MANIFEST, other.bytes());
        assertThat(call("DELETE", holds + "/" + manifestHold.get("id").asLong() + "?reason=closed", ADMIN, null)
                .statusCode()).isEqualTo(204);
        assertThat(registry.delete("/v2/" + name + "/manifests/" + untagged.digest()).statusCode()).isEqualTo(202);
        assertThat(call("DELETE", "/api/v1/repositories/" + name, ADMIN, null).statusCode()).isEqualTo(204);
    }

    @Test
    void maintainersPlaceHoldsOnlyOwnersReleaseThem() throws Exception {
        String organization = unique("org");
        String owner = newUser("pw", false);
        String maintainer = newUser("pw", false);
        String reader = newUser("pw", false);
        assertThat(call("POST", "/api/v1/organizations", ADMIN, Map.of("name", organization, "owners", List.of(owner)))
                .statusCode()).isEqualTo(201);
        for (String[] member : new String[][] {{maintainer, "maintainer"}, {reader, "reader"}}) {
            assertThat(call("POST", "/api/v1/organizations/" + organization + "/teams", basic(owner, "pw"),
                    Map.of("name", member[1] + "s", "roles", List.of(Map.of("role", member[1])),
                            "members", List.of(member[0]))).statusCode()).isEqualTo(201);
        }
        String name = organization + "/app";
        registry(ADMIN).pushImage(name, "v1");
        String holds = "/api/v1/repositories/" + name + "/-/holds";

        assertError(call("POST", holds, basic(reader, "pw"), Map.of("tag", "v1", "reason", "r")), 403, "forbidden");
        assertError(get(holds, basic(reader, "pw")), 403, "forbidden");
        HttpResponse<String> placed = call("POST", holds, basic(maintainer, "pw"), Map.of("tag", "v1", "reason", "r"));
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        long id = json(placed).get("id").asLong();
        assertError(call("DELETE", holds + "/" + id + "?reason=done", basic(maintainer, "pw"), null), 403,
                "forbidden");
        assertError(get("/api/v1/holds", basic(owner, "pw")), 403, "forbidden");
        assertThat(json(get("/api/v1/holds", ADMIN)).valueStream().anyMatch(h -> h.get("id").asLong() == id)).isTrue();
        assertThat(call("DELETE", holds + "/" + id + "?reason=done", basic(owner, "pw"), null).statusCode())
                .isEqualTo(204);
    }

    @Test
    void invalidHoldsAreRefusedWithProblemDetails() throws Exception {
        String name = unique("gov") + "/app";
        Manifest image = registry(ADMIN).pushImage(name, "v1");
        String holds = "/api/v1/repositories/" + name + "/-/holds";
        for (Object body : List.of(Map.of("reason", "r"), Map.of("tag", "v1", "digest", image.digest(), "reason", "r"),
                Map.of("tag", "v1"), Map.of("tag", "v1", "reason", " "), Map.of("tag", "-bad", "reason", "r"),
                Map.of("digest", "sha256:12", "reason", "r"), Map.of("tag", "v1", "reason", "r", "until", "x"),
                "[]")) {
            assertError(call("POST", holds, ADMIN, body), 400, "invalid_request");
        }
        assertError(call("POST", holds, ADMIN, Map.of("tag", "v2", "reason", "r")), 404, "not_found");
        assertError(call("POST", holds, ADMIN, Map.of("digest", RegistryClient.unknownDigest(), "reason", "r")),
                404, "not_found");
        assertError(call("POST", "/api/v1/repositories/" + unique("none") + "/x/-/holds", ADMIN,
                Map.of("tag", "v1", "reason", "r")), 404, "not_found");
        assertError(call("DELETE", holds + "/12345678?reason=r", ADMIN, null), 404, "not_found");
        assertThat(json(get(holds, ADMIN)).size()).isZero();
    }

    private JsonNode place(String holds, Map<String, String> body) throws Exception {
        HttpResponse<String> placed = call("POST", holds, ADMIN, body);
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
        assertThat(placed.headers().firstValue("Location")).hasValue(holds + "/" + json(placed).get("id").asLong());
        return json(placed);
    }
}
