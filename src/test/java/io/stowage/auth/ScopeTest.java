package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void parsesRepositoryScopeWithSeveralActions() {
        ResourceScope scope = ResourceScope.parse("repository:team/app:pull,push");
        assertThat(scope).isEqualTo(new ResourceScope("repository", "team/app", Set.of("pull", "push")));
        assertThat(scope.actions()).containsExactly("pull", "push");
    }

    @Test
    void dropsTheDeprecatedResourceClass() {
        assertThat(ResourceScope.parse("repository(plugin):team/plugin:pull"))
                .isEqualTo(new ResourceScope("repository", "team/plugin", Set.of("pull")));
    }

    @Test
    void parsesCatalogWildcard() {
        assertThat(ResourceScope.parse("registry:catalog:*"))
                .isEqualTo(new ResourceScope("registry", "catalog", Set.of("*")));
    }

    @Test
    void nameMayCarryAHostnameWithPort() {
        ResourceScope scope = ResourceScope.parse("repository:localhost:5000/team/app:pull");
        assertThat(scope.name()).isEqualTo("localhost:5000/team/app");
        assertThat(scope.actions()).containsExactly("pull");
    }

    @Test
    void splitsSpaceSeparatedScopesAndIgnoresBlankValues() {
        List<ResourceScope> scopes = ResourceScope.parseAll(
                List.of("repository:a/b:pull repository:c/d:push", "", "registry:catalog:*"));
        assertThat(scopes).extracting(ResourceScope::name).containsExactly("a/b", "c/d", "catalog");
    }

    @Test
    void rejectsMalformedScopes() {
        for (String bad : List.of("repository", "repository:team/app", "Repository:a:pull", "repository:Team/App:pull",
                "repository:a//b:pull", "repository:a/b:PULL", "repository:a/b:pull;rm", "repository::pull")) {
            assertThatThrownBy(() -> ResourceScope.parse(bad)).as(bad).isInstanceOf(InvalidScopeException.class);
        }
    }
}
