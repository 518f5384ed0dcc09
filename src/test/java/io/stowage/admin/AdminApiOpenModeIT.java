package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** With {@code stowage.auth.mode=none} (this context), the admin API is open, as /v2/ is. */
class AdminApiOpenModeIT extends AdminApiTestBase {

    @Test
    void everyCallerIsAnAdministrator() throws Exception {
        String name = unique("open");
        HttpResponse<String> created = call("POST", "/api/v1/users", null, Map.of("username", name, "password", "p"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(get("/api/v1/users", null).statusCode()).isEqualTo(200);
        assertThat(call("PUT", "/api/v1/repositories/" + name + "/app", null, Map.of("visibility", "public"))
                .statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/api/v1/users/" + name, null, null).statusCode()).isEqualTo(204);

        // Nobody signed in: the audit trail says so with an empty actor.
        HttpResponse<String> audit = get("/api/v1/audit?action=user.delete&n=1000", null);
        assertThat(json(audit).get("events").valueStream()
                .filter(e -> e.get("target").asString().equals(name)).map(e -> e.get("actor").asString()))
                .containsExactly("");
    }
}
