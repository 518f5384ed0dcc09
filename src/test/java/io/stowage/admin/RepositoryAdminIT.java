package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

@TokenAuth
class RepositoryAdminIT extends AdminApiTestBase {

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
}
