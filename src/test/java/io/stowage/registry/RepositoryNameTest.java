package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"alpine", "library/alpine", "a/b/c/d", "my-app", "my__app", "my.app", "a---b", "0"})
    void acceptsSpecNames(String name) {
        assertThat(RepositoryName.isValid(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Alpine", "-app", "app-", "a//b", "/a", "a/", "a___b", "a..b", "a b", "_catalog", "a/_b"})
    void rejectsOtherNames(String name) {
        assertThat(RepositoryName.isValid(name)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void rejectsNamesLongerThan255() {
        assertThat(RepositoryName.isValid("a".repeat(255))).isTrue();
        assertThat(RepositoryName.isValid("a".repeat(256))).isFalse();
    }
}
