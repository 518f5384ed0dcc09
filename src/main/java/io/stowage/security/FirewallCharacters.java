package io.stowage.security;

import java.util.function.Predicate;

/**
 * The firewall's character checks with a fast path: a header name or value, or a parameter name, made only of
 * printable ASCII (which every one of Spring Security's default patterns allows) is accepted without the regular
 * expression those patterns run, which costs more per request than the registry's whole manifest lookup; anything
 * else is left to the default pattern, so what is refused is unchanged.
 */
final class FirewallCharacters {

    private FirewallCharacters() {
    }

    /** Accepts printable ASCII at once, and anything else only if {@code otherwise} does. */
    static Predicate<String> printableAsciiOr(Predicate<String> otherwise) {
        return value -> printableAscii(value) || otherwise.test(value);
    }

    static boolean printableAscii(String value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
