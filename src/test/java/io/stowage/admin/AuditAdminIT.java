package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

@TokenAuth
class AuditAdminIT extends AdminApiTestBase {

    @Test
    void aFailedLoginIsAudited() throws Exception {
        String user = newUser("right", false);
        assertThat(tokenResponse(basic(user, "wrong")).statusCode()).isEqualTo(401);

        HttpResponse<String> response = get("/api/v1/audit?action=login.failed&actor=" + user, ADMIN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode events = json(response).get("events");
        assertThat(events.size()).isEqualTo(1);
        JsonNode event = events.get(0);
        assertThat(event.get("id").asLong()).isPositive();
        assertThat(Instant.parse(event.get("occurredAt").asString())).isBefore(Instant.now().plusSeconds(60));
        assertThat(event.get("actor").asString()).isEqualTo(user);
        assertThat(event.get("action").asString()).isEqualTo("login.failed");
        assertThat(event.get("target").asString()).isEqualTo(user);
        assertThat(event.get("address").asString()).isNotEmpty();
        assertThat(response.body()).doesNotContain("wrong");
        assertThat(json(response).has("next")).isFalse();
        assertThat(response.headers().firstValue("Link")).isEmpty();
    }

    @Test
    void pagesFollowNextNewestFirst() throws Exception {
        String admin = newUser("pw", true);
        String credentials = basic(admin, "pw");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> user = call("POST", "/api/v1/users", credentials,
                    Map.of("username", unique("p"), "password", "pw"));
            created.add(json(user).get("username").asString());
        }

        List<String> targets = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String url = "/api/v1/audit?actor=" + admin + "&action=user.create&n=2";
        while (url != null) {
            HttpResponse<String> page = get(url, ADMIN);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            JsonNode body = json(page);
            body.get("events").forEach(e -> targets.add(e.get("target").asString()));
            pageSizes.add(body.get("events").size());
            url = body.has("next") ? body.get("next").asString() : null;
            if (url != null) {
                assertThat(page.headers().firstValue("Link")).hasValue("<" + url + ">; rel=\"next\"");
            }
        }
        assertThat(pageSizes).containsExactly(2, 2, 1);
        assertThat(targets).containsExactlyElementsOf(created.reversed());
    }

    @Test
    void theNextPageKeepsARobotActorIntact() throws Exception {
        // "robot+name" must come back as itself, not with the '+' read as a space.
        HttpResponse<String> page = get("/api/v1/audit?actor=" + encode("robot+nobody") + "&n=1", ADMIN);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(json(page).get("events").size()).isZero();

        String robot = unique("auditor");
        for (String secret : List.of("wrong-1", "wrong-2")) {
            assertThat(tokenResponse(basic("robot+" + robot, secret)).statusCode()).isEqualTo(401);
        }

        JsonNode first = json(get("/api/v1/audit?actor=" + encode("robot+" + robot) + "&n=1", ADMIN));
        assertThat(first.get("events").get(0).get("actor").asString()).isEqualTo("robot+" + robot);
        JsonNode second = json(get(first.get("next").asString(), ADMIN));
        assertThat(second.get("events").size()).isEqualTo(1);
        assertThat(second.get("events").get(0).get("actor").asString()).isEqualTo("robot+" + robot);
    }

    @Test
    void badParametersAre400() throws Exception {
        for (String query : List.of("n=0", "n=1001", "n=ten", "n=-1", "before=0", "before=x", "before=-5")) {
            assertError(get("/api/v1/audit?" + query, ADMIN), 400, "invalid_request");
        }
        assertThat(json(get("/api/v1/audit?n=1000", ADMIN)).get("events").size()).isLessThanOrEqualTo(1000);
        assertThat(json(get("/api/v1/audit?actor=&action=", ADMIN)).get("events").size()).isLessThanOrEqualTo(100);
    }

    @Test
    void theAuditTrailIsForAdministratorsOnly() throws Exception {
        String user = newUser("pw", false);
        assertError(get("/api/v1/audit", basic(user, "pw")), 403, "forbidden");
        assertError(get("/api/v1/audit", null), 401, "unauthorized");
        assertThat(get("/api/v1/audit", bearer(token(ADMIN))).statusCode()).isEqualTo(200);
    }
}
