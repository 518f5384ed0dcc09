package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Who may see storage figures: administrators everything, a user their own namespace only. */
@TokenAuth
class StorageAdminIT extends AdminApiTestBase {

    @Test
    void aUserSeesTheStorageOfTheirOwnNamespaceOnly() throws Exception {
        String alice = newUser("alice-pw", false);
        String bob = newUser("bob-pw", false);
        String aliceCredentials = basic(alice, "alice-pw");
        pushImage(alice + "/app", "v1", ADMIN);
        pushImage(bob + "/app", "v1", ADMIN);

        HttpResponse<String> own = get("/api/v1/storage/namespaces/" + alice, aliceCredentials);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        JsonNode figures = json(own);
        assertThat(figures.get("repositories").asLong()).isEqualTo(1);
        assertThat(figures.get("storage").get("manifests").asLong()).isEqualTo(1);
        assertThat(figures.get("storage").get("storedBytes").asLong()).isPositive();
        HttpResponse<String> ownRepository = get("/api/v1/repositories/" + alice + "/app", aliceCredentials);
        assertThat(json(ownRepository).get("storage")).isEqualTo(figures.get("storage"));
        assertThat(get("/api/v1/storage/namespaces/" + alice + "/app", aliceCredentials).statusCode())
                .isEqualTo(200);

        assertError(get("/api/v1/storage/namespaces/" + bob, aliceCredentials), 403, "forbidden");
        // A namespace that merely starts with the user's name is someone else's.
        assertError(get("/api/v1/storage/namespaces/" + alice + "x", aliceCredentials), 403, "forbidden");
        assertError(get("/api/v1/storage", aliceCredentials), 403, "forbidden");
        assertError(get("/api/v1/storage", null), 401, "unauthorized");

        HttpResponse<String> summary = get("/api/v1/storage", ADMIN);
        assertThat(summary.statusCode()).as(summary.body()).isEqualTo(200);
        assertThat(json(get("/api/v1/storage/namespaces/" + bob, ADMIN)).get("repositories").asLong()).isEqualTo(1);
    }
}
