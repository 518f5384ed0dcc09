package io.stowage.admin;

import static io.stowage.distribution.RegistryClient.OCI_CONFIG;
import static io.stowage.distribution.RegistryClient.OCI_LAYER;
import static io.stowage.distribution.RegistryClient.OCI_MANIFEST;
import static io.stowage.distribution.RegistryClient.imageManifest;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.stowage.auth.TokenAuth;
import io.stowage.config.StowageProperties.UntaggedPolicy;
import io.stowage.distribution.RegistryClient.Blob;
import io.stowage.distribution.RegistryClient.Manifest;
import io.stowage.distribution.RegistryClient;
import io.stowage.gc.GarbageCollector;
import io.stowage.metadata.RepositoryRecords;
import io.stowage.registry.RepositoryAdministration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

@TokenAuth
class RepositoryAdminIT extends AdminApiTestBase {

    @Autowired
    private GarbageCollector collector;

    @Autowired
    private RepositoryRecords repositories;

    @Test
    void adminPutsThenGetsSettingsAndTheChangeIsAudited() throws Exception {
        String name = unique("team") + "/tools/app";

        assertError(get("/api/v1/repositories/" + name, ADMIN), 404, "not_found");

        HttpResponse<String> put = call("PUT", "/api/v1/repositories/" + name, ADMIN,
                Map.of("visibility", "public", "description", "Build tools"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(json(put).get("name").asString()).isEqualTo(name);

        // Either field alone: the other stays as it is.
        assertThat(call("PUT", "/api/v1/repositories/" + name, ADMIN, Map.of("description", "Tools")).statusCode())
                .isEqualTo(200);
        JsonNode settings = json(get("/api/v1/repositories/" + name, ADMIN));
        assertThat(settings.get("name").asString()).isEqualTo(name);
        assertThat(settings.get("visibility").asString()).isEqualTo("public");
        assertThat(settings.get("description").asString()).isEqualTo("Tools");

        call("PUT", "/api/v1/repositories/" + name, ADMIN, Map.of("visibility", "private"));
        settings = json(get("/api/v1/repositories/" + name, ADMIN));
        assertThat(settings.get("visibility").asString()).isEqualTo("private");
        assertThat(settings.get("description").asString()).isEqualTo("Tools");

        JsonNode events = json(get("/api/v1/audit?action=repository.update&n=1000", ADMIN)).get("events");
        assertThat(events.valueStream().filter(e -> e.get("target").asString().equals(name))
                .map(e -> e.get("detail").asString()).toList())
                .containsExactly("{\"visibility\":\"private\"}", "{\"description\":\"Tools\"}",
                        "{\"visibility\":\"public\",\"description\":\"Build tools\"}");
        assertThat(events.get(0).get("actor").asString()).isEqualTo(TokenAuth.ADMIN);
    }

    @Test
    void publicRepositoryIsPulledWithoutCredentials() throws Exception {
        String name = unique("pub") + "/app";
        String digest = pushImage(name, "v1", ADMIN);

        assertThat(send(request("/v2/" + name + "/manifests/v1").GET().build()).statusCode()).isEqualTo(401);
        assertThat(grantedScope(null, "repository:" + name + ":pull")).isEmpty();

        assertThat(call("PUT", "/api/v1/repositories/" + name, ADMIN, Map.of("visibility", "public")).statusCode())
                .isEqualTo(200);

        HttpResponse<String> pulled = send(request("/v2/" + name + "/manifests/v1")
                .header("Accept", "application/vnd.oci.image.manifest.v1+json").GET().build());
        assertThat(pulled.statusCode()).as(pulled.body()).isEqualTo(200);
        assertThat(pulled.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        assertThat(grantedScope(null, "repository:" + name + ":pull,push")).isEqualTo("repository:" + name + ":pull");
        // Public means pull only: anonymous pushes stay refused.
        assertThat(send(request("/v2/" + name + "/blobs/uploads/").POST(
                HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(401);
    }

    @Test
    void aUserManagesTheirOwnNamespaceOnly() throws Exception {
        String alice = newUser("alice-pw", false);
        String bob = newUser("bob-pw", false);
        String aliceCredentials = basic(alice, "alice-pw");

        HttpResponse<String> own = call("PUT", "/api/v1/repositories/" + alice + "/app", aliceCredentials,
                Map.of("visibility", "public"));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(json(get("/api/v1/repositories/" + alice + "/app", aliceCredentials)).get("visibility")
                .asString()).isEqualTo("public");

        assertError(call("PUT", "/api/v1/repositories/" + bob + "/app", aliceCredentials,
                Map.of("visibility", "public")), 403, "forbidden");
        assertError(get("/api/v1/repositories/" + bob + "/app", aliceCredentials), 403, "forbidden");
        // A name that merely starts with the username is someone else's namespace.
        assertError(call("PUT", "/api/v1/repositories/" + alice + "x/app", aliceCredentials,
                Map.of("visibility", "public")), 403, "forbidden");
        assertThat(get("/api/v1/repositories/" + bob + "/app", ADMIN).statusCode()).isEqualTo(404);

        // A bearer token of any scope signs the user in just as well.
        String token = token(aliceCredentials);
        assertThat(call("PUT", "/api/v1/repositories/" + alice + "/lib", bearer(token),
                Map.of("description", "library")).statusCode()).isEqualTo(200);
    }

    @Test
    void whoeverMayPushDescribesTheRepositoryButOnlyItsManagerChangesItsVisibility() throws Exception {
        String repository = unique("described") + "/app";
        String robot = unique("publisher");
        HttpResponse<String> created = call("POST", "/api/v1/robots", ADMIN, Map.of("name", robot,
                "permissions", List.of(Map.of("repository", repository, "actions", List.of("pull", "push")))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String publisher = basic("robot+" + robot, json(created).get("secret").asString());
        pushImage(repository, "v1", publisher);

        HttpResponse<String> described = call("PUT", "/api/v1/repositories/" + repository, publisher,
                Map.of("description", "Published by CI"));
        assertThat(described.statusCode()).as(described.body()).isEqualTo(200);
        assertThat(json(described).get("description").asString()).isEqualTo("Published by CI");
        assertError(call("PUT", "/api/v1/repositories/" + repository, publisher,
                Map.of("visibility", "public")), 403, "forbidden");
        assertError(call("PUT", "/api/v1/repositories/" + repository, publisher,
                Map.of("visibility", "private", "description", "both")), 403, "forbidden");
        assertError(call("PUT", "/api/v1/repositories/" + unique("other") + "/app", publisher,
                Map.of("description", "not mine")), 403, "forbidden");
        assertThat(json(get("/api/v1/repositories/" + repository, ADMIN)).get("description").asString())
                .isEqualTo("Published by CI");
    }

    @Test
    void badInputIs400() throws Exception {
        String name = unique("bad") + "/app";
        assertError(call("PUT", "/api/v1/repositories/Bad_Name", ADMIN, Map.of("visibility", "public")),
                400, "invalid_request");
        assertError(get("/api/v1/repositories/a//b", ADMIN), 400, "invalid_request");
        assertError(call("PUT", "/api/v1/repositories/" + name, ADMIN, Map.of("visibility", "internal")),
                400, "invalid_request");
        assertError(call("PUT", "/api/v1/repositories/" + name, ADMIN, Map.of("visiblity", "public")),
                400, "invalid_request");
        assertError(call("PUT", "/api/v1/repositories/" + name, ADMIN, "{\"visibility\":"), 400, "invalid_request");
        assertError(call("PUT", "/api/v1/repositories/" + name, ADMIN, "[]"), 400, "invalid_request");
        assertError(call("PUT", "/api/v1/repositories/" + name, ADMIN, null), 400, "invalid_request");
        assertError(call("PUT", "/api/v1/repositories/" + name, ADMIN,
                Map.of("description", "x".repeat(RepositoryAdministration.MAX_DESCRIPTION + 1))),
                400, "invalid_request");
        HttpResponse<String> text = send(request("/api/v1/repositories/" + name).header("Authorization", ADMIN)
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("visibility=public")).build());
        assertError(text, 415, "unsupported_media_type");
        // Nothing of the refused requests was created.
        assertError(get("/api/v1/repositories/" + name, ADMIN), 404, "not_found");
    }

    @Test
    void robotsAndAnonymousCallersCannotManageRepositories() throws Exception {
        HttpResponse<String> anonymous = call("PUT", "/api/v1/repositories/x/app", null,
                Map.of("visibility", "public"));
        assertError(anonymous, 401, "unauthorized");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"stowage\"");

        String robot = unique("repo-bot");
        HttpResponse<String> created = call("POST", "/api/v1/robots", ADMIN, Map.of("name", robot,
                "permissions", List.of(Map.of("repository", robot + "/*", "actions", List.of("*")))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String credentials = basic("robot+" + robot, json(created).get("secret").asString());
        assertError(call("PUT", "/api/v1/repositories/" + robot + "/app", credentials, Map.of("visibility", "public")),
                403, "forbidden");
    }

    @Test
    void deletingARepositoryRemovesItsContentAndCollectionFreesTheBlobsOnlyItUsed() throws Exception {
        RegistryClient registry = registry(ADMIN);
        String name = unique("gone") + "/app";
        String other = unique("stays") + "/app";
        Blob shared = registry.pushRandomBlob(name, 700);
        Blob unique = registry.pushRandomBlob(name, 600);
        Blob config = registry.pushConfig(name, OCI_CONFIG);
        Manifest first = registry.pushManifest(name, "v1", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, config, List.of(unique, shared)));
        registry.pushManifest(name, "latest", OCI_MANIFEST, first.bytes());
        Blob secondConfig = registry.pushConfig(name, OCI_CONFIG);
        registry.pushManifest(name, "v2", OCI_MANIFEST, imageManifest(OCI_MANIFEST, secondConfig, List.of(shared)));
        Blob unreferenced = registry.pushRandomBlob(name, 300);
        // The same bytes pushed to another repository, as the layer of an image there.
        registry.pushBlob(other, shared.content());
        Blob configThere = registry.pushConfig(other, OCI_CONFIG);
        registry.pushManifest(other, "latest", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, configThere, List.of(shared)));
        assertThat(call("PUT", "/api/v1/repositories/" + name, ADMIN,
                Map.of("visibility", "public", "description", "doomed")).statusCode()).isEqualTo(200);
        String namespace = name.substring(0, name.indexOf('/'));
        assertThat(catalogAfter(registry, namespace)).contains(name);

        HttpResponse<String> deleted = call("DELETE", "/api/v1/repositories/" + name, ADMIN, null);

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();
        assertThat(registry.get("/v2/" + name + "/manifests/v1").statusCode()).isEqualTo(404);
        assertThat(registry.get("/v2/" + name + "/manifests/" + first.digest()).statusCode()).isEqualTo(404);
        assertThat(registry.get("/v2/" + name + "/tags/list").statusCode()).isEqualTo(404);
        assertThat(registry.head("/v2/" + name + "/blobs/" + unique.digest()).statusCode()).isEqualTo(404);
        assertThat(catalogAfter(registry, namespace)).doesNotContain(name);
        assertError(get("/api/v1/repositories/" + name, ADMIN), 404, "not_found");
        assertError(call("DELETE", "/api/v1/repositories/" + name, ADMIN, null), 404, "not_found");
        JsonNode events = json(get("/api/v1/audit?action=repository.delete&n=1000", ADMIN)).get("events");
        assertThat(events.valueStream().filter(e -> e.get("target").asString().equals(name))
                .map(e -> e.get("actor").asString() + " " + e.get("detail").asString()).toList())
                .containsExactly("admin {\"tags\":3,\"manifests\":2,\"blobs\":5}");

        // Every blob it used is reviewed after the delay, not before ...
        Set<String> used = Set.of(shared.digest(), unique.digest(), config.digest(), secondConfig.digest(),
                unreferenced.digest());
        GarbageCollector.Report early = collector.pass(
                new GarbageCollector.Options(false, false, null, UntaggedPolicy.KEEP, used));
        assertThat(early.blobs()).isEmpty();
        assertThat(stored(unique)).isTrue();
        // ... and then those no other repository uses go.
        GarbageCollector.Report report = collector.pass(
                new GarbageCollector.Options(false, true, null, UntaggedPolicy.KEEP, used));
        assertThat(report.blobs()).containsExactlyInAnyOrder(unique.digest(), config.digest(), secondConfig.digest(),
                unreferenced.digest());
        assertThat(report.manifests()).isEmpty();
        for (Blob blob : List.of(unique, config, secondConfig, unreferenced)) {
            assertThat(stored(blob)).as(blob.digest()).isFalse();
        }
        assertThat(stored(shared)).as("a blob another repository uses").isTrue();
        assertThat(registry.getBytes("/v2/" + other + "/blobs/" + shared.digest()).body()).isEqualTo(shared.content());
        assertThat(registry.get("/v2/" + other + "/manifests/latest").statusCode()).isEqualTo(200);

        // The name is free again: a push makes a new repository, whose settings start afresh.
        registry.pushImage(name, "v1");
        JsonNode settings = json(get("/api/v1/repositories/" + name, ADMIN));
        assertThat(settings.get("visibility").asString()).isEqualTo("private");
        assertThat(settings.path("description").isNull() || settings.path("description").isMissingNode()).isTrue();
    }

    @Test
    void onlyAdministratorsAndTheOwnerOfItsNamespaceDeleteARepository() throws Exception {
        String alice = newUser("alice-pw", false);
        String bob = newUser("bob-pw", false);
        String aliceCredentials = basic(alice, "alice-pw");
        String bobs = bob + "/app";
        pushImage(bobs, "v1", basic(bob, "bob-pw"));

        assertError(call("DELETE", "/api/v1/repositories/" + bobs, aliceCredentials, null), 403, "forbidden");
        // Refused whether it exists or not: a 404 would tell what another namespace holds.
        assertError(call("DELETE", "/api/v1/repositories/" + bob + "/nothing", aliceCredentials, null),
                403, "forbidden");
        HttpResponse<String> anonymous = call("DELETE", "/api/v1/repositories/" + bobs, null, null);
        assertError(anonymous, 401, "unauthorized");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"stowage\"");
        String robot = unique("deleter");
        HttpResponse<String> created = call("POST", "/api/v1/robots", ADMIN, Map.of("name", robot,
                "permissions", List.of(Map.of("repository", bob + "/*", "actions", List.of("*")))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertError(call("DELETE", "/api/v1/repositories/" + bobs,
                basic("robot+" + robot, json(created).get("secret").asString()), null), 403, "forbidden");
        assertThat(registry(ADMIN).get("/v2/" + bobs + "/manifests/v1").statusCode()).isEqualTo(200);

        assertError(call("DELETE", "/api/v1/repositories/" + alice + "/nothing", aliceCredentials, null),
                404, "not_found");
        assertError(call("DELETE", "/api/v1/repositories/Bad_Name", ADMIN, null), 400, "invalid_request");
        String alices = alice + "/app";
        pushImage(alices, "v1", aliceCredentials);
        assertThat(call("DELETE", "/api/v1/repositories/" + alices, aliceCredentials, null).statusCode())
                .isEqualTo(204);
        assertThat(registry(aliceCredentials).get("/v2/" + alices + "/manifests/v1").statusCode()).isEqualTo(404);
        JsonNode events = json(get("/api/v1/audit?action=repository.delete&actor=" + alice, ADMIN)).get("events");
        assertThat(events.valueStream().map(e -> e.get("target").asString()).toList()).containsExactly(alices);
    }

    /**
     * A deletion racing pushes into the same repository and a collection of it: each push request completes before
     * the deletion (and goes with it), fails with a 4xx, or lands in a new repository of that name; never a 5xx, a
     * deadlock, or content half there. The deletion starts at a different moment of the pushes each round (a push
     * takes some 100 ms here).
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void pushesAndCollectionRacingADeletionEndCleanly(CapturedOutput output) throws Exception {
        RegistryClient registry = registry(ADMIN);
        for (int round = 0; round < 8; round++) {
            String name = unique("race") + "/app";
            registry.pushImage(name, "v1");
            long id = repositories.findId(name).orElseThrow();
            AtomicBoolean deleted = new AtomicBoolean();
            List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
            CyclicBarrier start = new CyclicBarrier(3);
            long wait = round * 20L;
            // Every other round without collection: a collection ignoring the delay takes the links of blobs from
            // pushes that have not sent their manifest yet, which then fail whatever the deletion does.
            boolean collecting = round % 2 == 0;
            HttpResponse<String> deletion;
            try (ExecutorService threads = Executors.newFixedThreadPool(3)) {
                Future<?> pushes = threads.submit(() -> {
                    start.await();
                    do {
                        statuses.addAll(pushAttempt(registry, name));
                    } while (!deleted.get());
                    return null;
                });
                Future<?> collection = threads.submit(() -> {
                    start.await();
                    while (collecting && !deleted.get()) {
                        collector.pass(new GarbageCollector.Options(false, true, Set.of(id), UntaggedPolicy.COLLECT));
                    }
                    return null;
                });
                Future<HttpResponse<String>> deleting = threads.submit(() -> {
                    start.await();
                    Thread.sleep(wait);
                    try {
                        return call("DELETE", "/api/v1/repositories/" + name, ADMIN, null);
                    } finally {
                        deleted.set(true);
                    }
                });
                deletion = deleting.get(2, TimeUnit.MINUTES);
                pushes.get(2, TimeUnit.MINUTES);
                collection.get(2, TimeUnit.MINUTES);
            }

            assertThat(deletion.statusCode()).as(deletion.body()).isEqualTo(204);
            assertThat(statuses).as("statuses of the racing push requests").isNotEmpty()
                    .allSatisfy(status -> assertThat(status).isLessThan(500));
            assertThat(registry.get("/v2/" + name + "/manifests/v1").statusCode()).isEqualTo(404);
            // Whatever a push left after the deletion is whole.
            HttpResponse<String> left = registry.get("/v2/" + name + "/manifests/v2");
            if (left.statusCode() == 200) {
                JsonNode manifest = json(left);
                assertThat(registry.head("/v2/" + name + "/blobs/" + manifest.get("config").get("digest").asString())
                        .statusCode()).isEqualTo(200);
                assertThat(registry.head("/v2/" + name + "/blobs/"
                        + manifest.get("layers").get(0).get("digest").asString()).statusCode()).isEqualTo(200);
            } else {
                assertThat(left.statusCode()).as(left.body()).isEqualTo(404);
            }
            assertThat(pushAttempt(registry, name)).as("a push after the deletion")
                    .containsExactly(201, 202, 202, 201, 201);
        }
        assertThat(output.getAll()).as("the audit log is captured").contains("repository.delete")
                .doesNotContain("deadlock detected").doesNotContain("Unexpected failure")
                .doesNotContain("failed (will retry)");
    }

    /**
     * Pushes an image as {@code v2}: its config in one request, its layer through an upload session (start, chunk,
     * close), then the manifest; stops at the first refusal. The status of each request made.
     */
    private static List<Integer> pushAttempt(RegistryClient registry, String name) {
        List<Integer> statuses = new ArrayList<>();
        byte[] config = ("{\"nonce\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8);
        Blob configBlob = new Blob(config, RegistryClient.sha256(config), OCI_CONFIG);
        HttpResponse<String> response = registry.send(registry.request("/v2/" + name + "/blobs/uploads/?digest="
                        + configBlob.digest()).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(config)).build());
        if (!succeeded(statuses, response, 201)) {
            return statuses;
        }
        byte[] layer = new byte[2048];
        ThreadLocalRandom.current().nextBytes(layer);
        Blob layerBlob = new Blob(layer, RegistryClient.sha256(layer), OCI_LAYER);
        response = registry.send(registry.request("/v2/" + name + "/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (!succeeded(statuses, response, 202)) {
            return statuses;
        }
        String location = response.headers().firstValue("Location").orElseThrow();
        response = registry.send(registry.requestLocation(location).header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(layer)).build());
        if (!succeeded(statuses, response, 202)) {
            return statuses;
        }
        location = response.headers().firstValue("Location").orElseThrow();
        response = registry.send(registry.requestLocation(RegistryClient.withQuery(location,
                "digest=" + layerBlob.digest())).PUT(HttpRequest.BodyPublishers.noBody()).build());
        if (!succeeded(statuses, response, 201)) {
            return statuses;
        }
        response = registry.putManifest(name, "v2", OCI_MANIFEST,
                imageManifest(OCI_MANIFEST, configBlob, List.of(layerBlob)));
        succeeded(statuses, response, 201);
        return statuses;
    }

    private static boolean succeeded(List<Integer> statuses, HttpResponse<String> response, int expected) {
        statuses.add(response.statusCode());
        assertThat(response.statusCode()).as(response.body()).satisfiesAnyOf(
                status -> assertThat(status).isEqualTo(expected),
                status -> assertThat(status).isBetween(400, 499));
        return response.statusCode() == expected;
    }

    /** The repository names the catalog lists next after {@code last} (up to 10). */
    private static List<String> catalogAfter(RegistryClient registry, String last) {
        HttpResponse<String> response = registry.get("/v2/_catalog?n=10&last=" + last);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).get("repositories").valueStream().map(JsonNode::asString).toList();
    }

    private boolean stored(Blob blob) {
        return !storedObjects().holding(blob.content()).isEmpty();
    }
}
