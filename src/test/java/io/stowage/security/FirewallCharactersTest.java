package io.stowage.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.security.web.firewall.StrictHttpFirewall;

class FirewallCharactersTest {

    @Test
    void printableAsciiIsAcceptedWithoutTheDefaultCheck() {
        List<String> asked = new ArrayList<>();
        Predicate<String> check = FirewallCharacters.printableAsciiOr(value -> asked.add(value) && false);

        assertThat(check.test("Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig-_~!\"#$%&'()*+,./:;<=>?@[\\]^`{|}")).isTrue();
        assertThat(check.test("")).isTrue();
        assertThat(asked).isEmpty();
    }

    @Test
    void everythingElseIsLeftToTheDefaultCheck() {
        List<String> asked = new ArrayList<>();
        Predicate<String> check = FirewallCharacters.printableAsciiOr(value -> asked.add(value) && false);

        assertThat(check.test("caf\u00e9")).isFalse();
        assertThat(check.test("a\tb")).isFalse();
        assertThat(check.test("a\u007fb")).isFalse();
        assertThat(asked).containsExactly("caf\u00e9", "a\tb", "a\u007fb");
    }

    /** With Spring Security's own checks behind it, what they refuse stays refused and what they allow stays allowed. */
    @Test
    void theDefaultsStillDecideTheRest() {
        Predicate<String> names = FirewallCharacters.printableAsciiOr(StrictHttpFirewall.ALLOWED_HEADER_NAMES);
        Predicate<String> values = FirewallCharacters.printableAsciiOr(StrictHttpFirewall.ALLOWED_HEADER_VALUES);

        for (String refused : List.of("a\u0000b", "a\rb", "a\nb", "a\u0085b", "a\u0378b")) {
            assertThat(names.test(refused)).as("name %s", refused).isFalse();
            assertThat(values.test(refused)).as("value %s", refused).isFalse();
        }
        assertThat(values.test("caf\u00e9 \u2713")).isTrue();
        assertThat(values.test("a\tb")).isEqualTo(StrictHttpFirewall.ALLOWED_HEADER_VALUES.test("a\tb"));
    }
}
