package io.stowage.proxy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code WWW-Authenticate} challenge of a registry, as RFC 9110 writes them and the Docker token spec uses them:
 * {@code Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"}, or
 * {@code Basic realm="..."}. Only the first challenge of the header is read: registries send one.
 *
 * @param scheme {@code bearer} or {@code basic} (lower case), or empty when there was no challenge
 * @param parameters the auth-params, names in lower case
 */
record Challenge(String scheme, Map<String, String> parameters) {

    static final Challenge NONE = new Challenge("", Map.of());

    boolean bearer() {
        return "bearer".equals(scheme);
    }

    boolean basic() {
        return "basic".equals(scheme);
    }

    String parameter(String name) {
        return parameters.get(name);
    }

    static Challenge parse(String header) {
        if (header == null) {
            return NONE;
        }
        String text = header.trim();
        int space = text.indexOf(' ');
        String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        if (scheme.isEmpty()) {
            return NONE;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
                i++;
            }
            int equals = text.indexOf('=', i);
            if (equals < 0) {
                break; // a token68 or garbage: nothing a registry's challenge carries
            }
            String name = text.substring(i, equals).trim().toLowerCase(Locale.ROOT);
            if (name.contains(" ")) {
                break; // the next challenge's scheme
            }
            i = equals + 1;
            StringBuilder value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < text.length()) {
                        c = text.charAt(i++);
                    }
                    value.append(c);
                }
                i++; // the closing quote
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            parameters.putIfAbsent(name, value.toString().trim());
        }
        return new Challenge(scheme, Map.copyOf(parameters));
    }
}
