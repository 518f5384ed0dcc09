package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;

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

    /** The grammar of the distribution spec, as a regular expression: the check must agree with it on every name. */
    private static final Pattern GRAMMAR = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

    @org.junit.jupiter.api.Test
    void agreesWithTheSpecsExpressionOnRandomNames() {
        String alphabet = "ab09._-/A ";
        Random random = new Random(20261204);
        int valid = 0;
        for (int n = 0; n < 200_000; n++) {
            StringBuilder name = new StringBuilder();
            int length = random.nextInt(13);
            for (int i = 0; i < length; i++) {
                name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            boolean expected = !name.isEmpty() && GRAMMAR.matcher(name).matches();
            assertThat(RepositoryName.isValid(name.toString())).as(name.toString()).isEqualTo(expected);
            valid += expected ? 1 : 0;
        }
        assertThat(valid).as("the sample holds valid names too").isGreaterThan(1000);
    }
}
