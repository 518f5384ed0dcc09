package io.stowage.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;

/**
 * The organizations page over plain HTTP: an administrator creates an organization with an owner, the owner sees it
 * with its teams and manages the members, which takes effect on /v2/ at once; members see, outsiders see nothing and
 * may post nothing; every form needs the CSRF token; what the administration refuses shows on the page.
 */
@TokenAuth
class UiOrganizationsIT extends UiTestBase {

    private static final String ORGANIZATIONS = "/ui/organizations";

    @Test
    void anOwnerManagesTheMembersOfTheOrganizationAnAdministratorCreated() throws Exception {
        String admin = signIn(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);
        String owner = newUser("pw-owner-1", false);
        String member = newUser("pw-member-1", false);
        String organization = unique("org");
        HttpResponse<String> created = act(admin, "", Map.of("name", organization, "owner", owner));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(302);

        String ownerSession = signIn(owner, "pw-owner-1");
        String page = page(ORGANIZATIONS, ownerSession).body();
        assertThat(page).contains("Signed in as <strong>" + owner + "</strong>")
                .contains("data-organization=\"" + organization + "\"").contains("data-team=\"owners\"")
                .contains(organization + "/*: owner").contains("data-member=\"" + owner + "\"");
        assertThat(page(ORGANIZATIONS, admin).body()).contains("data-organization=\"" + organization + "\"")
                .contains("New organization");

        String memberCredentials = basic(member, "pw-member-1");
        String repository = organization + "/app";
        assertThat(pushBlobStatus(repository, memberCredentials)).isEqualTo(403);
        assertThat(act(ownerSession, "/members/add",
                Map.of("organization", organization, "team", "owners", "member", member)).statusCode())
                .isEqualTo(302);
        assertThat(page(ORGANIZATIONS, ownerSession).body()).contains("data-member=\"" + member + "\"");
        assertThat(pushBlobStatus(repository, memberCredentials)).isEqualTo(201);

        HttpResponse<String> unknown = act(ownerSession, "/members/add",
                Map.of("organization", organization, "team", "owners", "member", "nobody" + unique("x")));
        String location = unknown.headers().firstValue("Location").orElseThrow();
        assertThat(page(location.substring(location.indexOf(ORGANIZATIONS)), ownerSession).body())
                .contains("role=\"alert\"").contains("no user named nobody");

        assertThat(act(ownerSession, "/members/remove",
                Map.of("organization", organization, "team", "owners", "member", member)).statusCode())
                .isEqualTo(302);
        assertThat(page(ORGANIZATIONS, ownerSession).body()).doesNotContain("data-member=\"" + member + "\"");
        assertThat(pushBlobStatus(repository, memberCredentials)).isEqualTo(403);
    }

    @Test
    void outsidersSeeNoOrganizationAndMayChangeNone() throws Exception {
        String admin = signIn(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);
        String organization = unique("org");
        assertThat(act(admin, "", Map.of("name", organization)).statusCode()).isEqualTo(302);
        String outsider = newUser("pw-outsider-1", false);
        String session = signIn(outsider, "pw-outsider-1");

        String page = page(ORGANIZATIONS, session).body();
        assertThat(page).contains("You are not a member of any organization").doesNotContain(organization)
                .doesNotContain("New organization");
        assertThat(act(session, "/members/add",
                Map.of("organization", organization, "team", "owners", "member", outsider)).statusCode())
                .isEqualTo(403);
        assertThat(act(session, "", Map.of("name", unique("org"))).statusCode()).isEqualTo(403);
        // Without the CSRF token, even the administrator's post is refused.
        assertThat(post(ORGANIZATIONS, admin, Map.of("name", unique("org"))).statusCode()).isEqualTo(403);
        assertThat(page(ORGANIZATIONS, null).statusCode()).isEqualTo(302);
    }

    /**
     * An owner creates a team with a role on some repositories in the UI, widens and narrows its roles and deletes
     * it; each change holds on /v2/ at once for a member; a role outside the organization is refused on the page.
     */
    @Test
    void anOwnerGivesATeamRolesAndTakesThemAway() throws Exception {
        String admin = signIn(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD);
        String owner = newUser("pw-owner-2", false);
        String member = newUser("pw-member-2", false);
        String organization = unique("org");
        assertThat(act(admin, "", Map.of("name", organization, "owner", owner)).statusCode()).isEqualTo(302);
        String session = signIn(owner, "pw-owner-2");
        String memberCredentials = basic(member, "pw-member-2");

        assertThat(act(session, "/teams/add", Map.of("organization", organization, "team", "web",
                "role", "developer", "repository", organization + "/web/*")).statusCode()).isEqualTo(302);
        assertThat(act(session, "/members/add", Map.of("organization", organization, "team", "web",
                "member", member)).statusCode()).isEqualTo(302);
        assertThat(page(ORGANIZATIONS, session).body()).contains("data-team=\"web\"")
                .contains("data-role=\"" + organization + "/web/*:developer\"");
        assertThat(pushBlobStatus(organization + "/web/app", memberCredentials)).isEqualTo(201);
        assertThat(pushBlobStatus(organization + "/api", memberCredentials)).isEqualTo(403);

        assertThat(act(session, "/roles/add", Map.of("organization", organization, "team", "web",
                "role", "developer", "repository", "")).statusCode()).isEqualTo(302);
        assertThat(pushBlobStatus(organization + "/api", memberCredentials)).isEqualTo(201);
        assertThat(act(session, "/roles/remove", Map.of("organization", organization, "team", "web",
                "role", "developer", "repository", organization + "/*")).statusCode()).isEqualTo(302);
        assertThat(page(ORGANIZATIONS, session).body()).doesNotContain("data-role=\"" + organization + "/*:developer\"")
                .contains("data-role=\"" + organization + "/web/*:developer\"");
        assertThat(pushBlobStatus(organization + "/api", memberCredentials)).isEqualTo(403);

        HttpResponse<String> outside = act(session, "/roles/add", Map.of("organization", organization,
                "team", "web", "role", "owner", "repository", "elsewhere/*"));
        String location = outside.headers().firstValue("Location").orElseThrow();
        assertThat(page(location.substring(location.indexOf(ORGANIZATIONS)), session).body())
                .contains("role=\"alert\"").contains("lies outside the namespace");

        // A member who is no owner may change no role.
        String memberSession = signIn(member, "pw-member-2");
        assertThat(act(memberSession, "/roles/add", Map.of("organization", organization, "team", "web",
                "role", "owner", "repository", "")).statusCode()).isEqualTo(403);

        assertThat(act(session, "/teams/delete", Map.of("organization", organization, "team", "web"))
                .statusCode()).isEqualTo(302);
        assertThat(page(ORGANIZATIONS, session).body()).doesNotContain("data-team=\"web\"");
        assertThat(pushBlobStatus(organization + "/web/app", memberCredentials)).isEqualTo(403);
    }

    private HttpResponse<String> act(String session, String action, Map<String, String> fields) throws Exception {
        Map<String, String> form = new HashMap<>(fields);
        form.put("_csrf", csrf(page(ORGANIZATIONS, session).body()));
        return post(ORGANIZATIONS + action, session, form);
    }
}
