package io.stowage.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class IdentityTest {

    @Test
    void usersOwnTheirNamespaceAndNothingElse() {
        Identity alice = Identity.user("alice", false, List.of());
        assertThat(alice.allowedActions("alice/app", false)).containsExactly("pull", "push", "delete");
        assertThat(alice.allowedActions("alice/team/app", false)).containsExactly("pull", "push", "delete");
        assertThat(alice.allowedActions("alicex/app", false)).isEmpty();
        assertThat(alice.allowedActions("alice", false)).isEmpty();
        assertThat(alice.allowedActions("bob/app", false)).isEmpty();
        assertThat(alice.allowedActions("bob/app", true)).containsExactly("pull");
    }

    @Test
    void anonymousPullsPublicRepositoriesOnly() {
        assertThat(Identity.ANONYMOUS.allowedActions("bob/app", true)).containsExactly("pull");
        assertThat(Identity.ANONYMOUS.allowedActions("bob/app", false)).isEmpty();
    }

    @Test
    void administratorsMayDoEverything() {
        assertThat(Identity.user("root", true, List.of()).allowedActions("anyone/app", false))
                .containsExactly("pull", "push", "delete");
    }

    @Test
    void robotsHaveTheirPermissionsOnly() {
        Identity robot = Identity.robot("ci", List.of(new Grant(RepositoryPattern.of("ci/*"), Set.of("pull", "push"))));
        assertThat(robot.subject()).isEqualTo("robot+ci");
        assertThat(robot.allowedActions("ci/app", false)).containsExactlyInAnyOrder("pull", "push");
        assertThat(robot.allowedActions("ci/team/app", false)).containsExactlyInAnyOrder("pull", "push");
        assertThat(robot.allowedActions("cix/app", false)).isEmpty();
        assertThat(robot.allowedActions("robot+ci/app", false)).isEmpty();
        assertThat(robot.allowedActions("other/app", true)).containsExactly("pull");
    }

    @Test
    void patternsAreAnchoredGlobs() {
        RepositoryPattern pattern = RepositoryPattern.of("team.a/*");
        assertThat(pattern.matches("team.a/app")).isTrue();
        assertThat(pattern.matches("teamxa/app")).isFalse(); // the dot is literal
        assertThat(pattern.matches("x/team.a/app")).isFalse();
        assertThat(RepositoryPattern.of("exact/name").matches("exact/name2")).isFalse();
        assertThat(RepositoryPattern.of("*").matches("any/thing")).isTrue();
        for (String bad : List.of("", "UPPER/*", "a b", "a/(.*)", "a/[x]")) {
            assertThatThrownBy(() -> RepositoryPattern.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void actionsAreValidatedAndStarExpands() {
        assertThat(Actions.parse(List.of("*"))).containsExactly("pull", "push", "delete");
        assertThat(Actions.parse(List.of("push", "pull"))).containsExactly("push", "pull");
        assertThatThrownBy(() -> Actions.parse(List.of("admin"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Actions.parse(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
    @Test
    void aPersonalAccessTokenNarrowsItsUserAndIsNeverAnAdministrator() {
        Identity root = Identity.user("root", true, List.of());
        Identity token = root.narrowedTo(new TokenScope(1, "ci", TokenScope.Scope.WRITE, RepositoryPattern.of("ci/*")));
        assertThat(root.admin()).isTrue();
        assertThat(token.admin()).isFalse();
        assertThat(token.reachesEveryRepository()).isTrue();
        assertThat(token.allowedActions("ci/app", false)).containsExactly("pull", "push");
        assertThat(token.allowedActions("other/app", false)).isEmpty();
        assertThat(token.allowedActions("other/app", true)).as("public pulls need no token").containsExactly("pull");
        assertThat(token.manages("ci/app")).as("write has no delete").isFalse();
        assertThat(token.mayDescribe("ci/app")).isTrue();
        assertThat(token.owns("any")).isFalse();

        Identity alice = Identity.user("alice", false, List.of(),
                List.of(new RoleGrant("acme", RepositoryPattern.of("acme/*"), Role.OWNER)));
        Identity read = alice.narrowedTo(new TokenScope(2, "laptop", TokenScope.Scope.READ, null));
        assertThat(read.allowedActions("alice/app", false)).containsExactly("pull");
        assertThat(read.allowedActions("acme/app", false)).containsExactly("pull");
        assertThat(read.allowedActions("bob/app", false)).as("nothing the user lacks").isEmpty();
        assertThat(read.manages("acme/app")).isFalse();
        assertThat(read.owns("acme")).isFalse();
        assertThat(alice.owns("acme")).isTrue();
        assertThat(read.belongsTo("acme")).isTrue();
    }
}
