package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every role × action, for a role on the whole organization and for one on a repository pattern, through /v2/ and the
 * admin API: what a member of a team with that role gets. {@code app} is the repository a pattern role covers,
 * {@code other} another repository of the organization.
 */
@TokenAuth
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrganizationRolesIT extends AdminApiTestBase {

    /** The actions of the table, in its column order. */
    enum Action { PULL, PULL_OTHER, PUSH, DELETE, TAG_DELETE, DESCRIBE, MANAGE_MEMBERS }

    private static final String OWNERS = "owners";
    private static final String ANONYMOUS_NAME = unique("anonymous");

    private String organization;

    @BeforeAll
    void createOrganization() throws Exception {
        organization = unique("org");
        HttpResponse<String> created = call("POST", "/api/v1/organizations", ADMIN, Map.of("name", organization));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    static Stream<Arguments> table() {
        // role, pattern (null: the organization), then allowed or not per Action in order.
        return Stream.of(
                row("reader", null, true, true, false, false, false, false, false),
                row("developer", null, true, true, true, false, false, false, false),
                row("maintainer", null, true, true, true, true, true, true, false),
                row("owner", null, true, true, true, true, true, true, true),
                row("reader", "app", true, false, false, false, false, false, false),
                row("developer", "app", true, false, true, false, false, false, false),
                row("maintainer", "app", true, false, true, true, true, true, false),
                // An owner of some repositories only: no say over the organization's teams.
                row("owner", "app", true, false, true, true, true, true, false));
    }

    private static Arguments row(String role, String pattern, boolean... allowed) {
        Map<Action, Boolean> expected = new LinkedHashMap<>();
        for (Action action : Action.values()) {
            expected.put(action, allowed[action.ordinal()]);
        }
        return Arguments.of(role, pattern, expected);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("table")
    void aRoleAllowsWhatTheTableSaysAndNothingMore(String role, String pattern, Map<Action, Boolean> expected)
            throws Exception {
        String user = newUser("pw", false);
        String member = basic(user, "pw");
        String team = unique("team");
        Map<String, Object> roleBody = new LinkedHashMap<>();
        if (pattern != null) {
            roleBody.put("repository", organization + "/" + pattern);
        }
        roleBody.put("role", role);
        HttpResponse<String> created = call("POST", "/api/v1/organizations/" + organization + "/teams", ADMIN,
                Map.of("name", team, "roles", List.of(roleBody), "members", List.of(user)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        String app = organization + "/app";
        String other = organization + "/other";
        String tag = unique("t");
        String appDigest = pushImage(app, tag, ADMIN);
        pushImage(other, tag, ADMIN);
        String bystander = newUser("pw", false);

        Map<Action, Integer> answers = new LinkedHashMap<>();
        answers.put(Action.PULL, get("/v2/" + app + "/manifests/" + tag, member).statusCode());
        answers.put(Action.PULL_OTHER, get("/v2/" + other + "/manifests/" + tag, member).statusCode());
        answers.put(Action.PUSH, pushBlobStatus(app, member));
        answers.put(Action.DELETE, call("DELETE", "/v2/" + app + "/manifests/" + appDigest, member, null)
                .statusCode());
        String tagToDelete = unique("d");
        pushImage(app, tagToDelete, ADMIN);
        answers.put(Action.TAG_DELETE, call("DELETE", "/api/v1/repositories/" + app + "/-/tags/" + tagToDelete,
                member, null).statusCode());
        answers.put(Action.DESCRIBE, call("PUT", "/api/v1/repositories/" + app, member,
                Map.of("description", "described by " + role)).statusCode());
        answers.put(Action.MANAGE_MEMBERS, call("PUT", "/api/v1/organizations/" + organization + "/teams/" + team
                + "/members/" + bystander, member, null).statusCode());

        List<String> wrong = new ArrayList<>();
        expected.forEach((action, allowed) -> {
            int status = answers.get(action);
            boolean succeeded = status >= 200 && status < 300;
            // A refusal is a 403 (signed in, not allowed), never a 404 that would tell what exists, nor a 500.
            if (succeeded != allowed || (!allowed && status != 403)) {
                wrong.add(action + " answered " + status + " where " + (allowed ? "2xx" : "403") + " was due");
            }
        });
        assertThat(wrong).as(role + " on " + (pattern == null ? "the organization" : pattern)).isEmpty();
    }

    @Test
    void removingAMemberTakesTheRoleAwayAtOnce() throws Exception {
        String user = newUser("pw", false);
        String member = basic(user, "pw");
        String team = unique("team");
        assertThat(call("POST", "/api/v1/organizations/" + organization + "/teams", ADMIN,
                Map.of("name", team, "roles", List.of(Map.of("role", "developer")), "members", List.of(user)))
                .statusCode()).isEqualTo(201);
        String repository = organization + "/removed";
        assertThat(pushBlobStatus(repository, member)).isEqualTo(201);

        assertThat(call("DELETE", "/api/v1/organizations/" + organization + "/teams/" + team + "/members/" + user,
                ADMIN, null).statusCode()).isEqualTo(204);
        assertThat(pushBlobStatus(repository, member)).isEqualTo(403);
        assertThat(get("/api/v1/organizations/" + organization, member).statusCode()).isEqualTo(403);
    }

    @Test
    void anOrganizationAndAUserNeverShareANamespace() throws Exception {
        String user = newUser("pw", false);
        assertError(call("POST", "/api/v1/organizations", ADMIN, Map.of("name", user)), 409, "name_taken");
        assertError(call("POST", "/api/v1/users", ADMIN, Map.of("username", organization, "password", "pw")), 409,
                "name_taken");
    }

    @Test
    void aRoleOutsideTheNamespaceOrOfNoKnownNameIsRefused() throws Exception {
        String teams = "/api/v1/organizations/" + organization + "/teams";
        assertError(call("POST", teams, ADMIN, Map.of("name", unique("t"),
                "roles", List.of(Map.of("repository", "elsewhere/*", "role", "reader")))), 400, "invalid_request");
        assertError(call("POST", teams, ADMIN, Map.of("name", unique("t"),
                "roles", List.of(Map.of("role", "superuser")))), 400, "invalid_request");
        assertError(call("POST", teams, ADMIN, Map.of("name", unique("t"),
                "roles", List.of(Map.of("role", "reader")), "members", List.of("nobody" + unique("x")))), 404,
                "not_found");
    }

    @Test
    void outsidersAreRefusedBeforeAnythingIsLookedUp() throws Exception {
        String outsider = basic(newUser("pw", false), "pw");
        assertError(get("/api/v1/organizations/" + organization, outsider), 403, "forbidden");
        assertError(get("/api/v1/organizations/no" + organization, outsider), 403, "forbidden");
        assertError(call("POST", "/api/v1/organizations", outsider, Map.of("name", unique("o"))), 403, "forbidden");
        assertThat(json(get("/api/v1/organizations", outsider)).size()).isZero();
    }
    @Test
    void anonymousCallersAreAskedToSignIn() throws Exception {
        String teams = "/api/v1/organizations/" + organization + "/teams";
        for (String[] call : new String[][] {{"GET", "/api/v1/organizations"}, {"POST", "/api/v1/organizations"},
                {"GET", "/api/v1/organizations/" + organization}, {"DELETE", "/api/v1/organizations/" + organization},
                {"GET", teams}, {"POST", teams}, {"PATCH", teams + "/" + OWNERS},
                {"PUT", teams + "/" + OWNERS + "/members/" + TokenAuth.ADMIN}}) {
            HttpResponse<String> response = call(call[0], call[1], null,
                    call[0].equals("GET") || call[0].equals("DELETE") ? null : Map.of("name", ANONYMOUS_NAME));
            assertError(response, 401, "unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(call[1])
                    .hasValue("Basic realm=\"stowage\"");
        }
        assertError(get("/api/v1/organizations/" + ANONYMOUS_NAME, ADMIN), 404, "not_found");
        assertError(get(teams + "/" + ANONYMOUS_NAME, ADMIN), 404, "not_found");
        assertThat(get("/api/v1/organizations/" + organization, ADMIN).statusCode()).isEqualTo(200);
    }

    @Test
    void malformedBodiesAndUnknownFieldsAreProblems() throws Exception {
        String teams = "/api/v1/organizations/" + organization + "/teams";
        assertError(call("POST", "/api/v1/organizations", ADMIN, "{\"name\":"), 400, "invalid_request");
        assertError(call("POST", teams, ADMIN, "[\"reader\"]"), 400, "invalid_request");
        JsonNode unknown = assertError(call("POST", "/api/v1/organizations", ADMIN,
                Map.of("name", unique("o"), "owner", List.of(TokenAuth.ADMIN))), 400, "invalid_request");
        assertThat(unknown.get("detail").asString()).contains("owner");
        JsonNode role = assertError(call("PATCH", teams + "/" + OWNERS, ADMIN,
                Map.of("roles", List.of(Map.of("role", "owner", "repo", organization + "/*")))), 400,
                "invalid_request");
        assertThat(role.get("detail").asString()).contains("repo");
        assertError(call("PATCH", teams + "/" + OWNERS, ADMIN, Map.of()), 400, "invalid_request");
        assertThat(json(get(teams + "/" + OWNERS, ADMIN)).get("roles").get(0).get("role").asString())
                .as("the owners' role is as it was").isEqualTo("owner");
    }

    @Test
    void aTeamNameMustBeValidAndFree() throws Exception {
        String teams = "/api/v1/organizations/" + organization + "/teams";
        for (String name : List.of("", "Upper", "a b", "-dash", "dot.", "x".repeat(65), "a/b", "\u00e9t\u00e9")) {
            assertError(call("POST", teams, ADMIN, Map.of("name", name, "roles", List.of(Map.of("role", "reader")))),
                    400, "invalid_request");
        }
        String name = unique("team");
        HttpResponse<String> created = call("POST", teams, ADMIN,
                Map.of("name", name, "roles", List.of(Map.of("role", "reader"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertError(call("POST", teams, ADMIN, Map.of("name", name, "roles", List.of(Map.of("role", "developer")))),
                409, "name_taken");
        assertError(call("POST", teams, ADMIN, Map.of("name", OWNERS, "roles", List.of())), 409, "name_taken");
        assertThat(json(get(teams + "/" + name, ADMIN)).get("roles").get(0).get("role").asString())
                .as("the first team's role is as it was").isEqualTo("reader");
    }
}
