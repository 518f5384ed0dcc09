package io.stowage.governance;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A glob over tag names: {@code *} any run of characters, {@code ?} one character, {@code [...]} one of a set
 * ({@code [0-9]}, {@code [!a-z]} for none of them); everything else stands for itself. {@code v*} covers {@code v1} and
 * {@code v1.2.3}, {@code [0-9]*} every tag starting with a digit, {@code *-rc*} {@code 1.0-rc1}.
 */
public final class TagPattern {

    public static final int MAX_LENGTH = 128;

    private static final Pattern SYNTAX = Pattern.compile("[A-Za-z0-9._*?\\[\\]!-]+");

    private final String pattern;
    private final Pattern regex;

    private TagPattern(String pattern, Pattern regex) {
        this.pattern = pattern;
        this.regex = regex;
    }

    /** The pattern; {@link IllegalArgumentException} (a 400 on every surface) when it is not one. */
    public static TagPattern of(String pattern) {
        if (pattern == null || pattern.isEmpty() || pattern.length() > MAX_LENGTH
                || !SYNTAX.matcher(pattern).matches()) {
            throw invalid(pattern, "a tag in which * stands for any characters, ? for one, [0-9] for one of a set");
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case ']' -> throw invalid(pattern, "] without [");
                case '[' -> {
                    int end = pattern.indexOf(']', i + 1);
                    String set = end < 0 ? "" : pattern.substring(i + 1, end);
                    boolean negated = set.startsWith("!");
                    String members = negated ? set.substring(1) : set;
                    if (end < 0 || members.isEmpty() || members.contains("[") || members.contains("!")) {
                        throw invalid(pattern, "a set [...] holds characters or ranges such as 0-9, and ends with ]");
                    }
                    regex.append(negated ? "[^" : "[");
                    for (char m : members.toCharArray()) {
                        regex.append(Character.isLetterOrDigit(m) || m == '-' ? String.valueOf(m) : "\\" + m);
                    }
                    regex.append(']');
                    i = end;
                }
                default -> regex.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c);
            }
        }
        try {
            return new TagPattern(pattern, Pattern.compile(regex.toString()));
        } catch (PatternSyntaxException e) {
            throw invalid(pattern, e.getDescription()); // a range such as [z-a]
        }
    }

    public boolean matches(String tag) {
        return regex.matcher(tag).matches();
    }

    public String pattern() {
        return pattern;
    }

    @Override
    public String toString() {
        return pattern;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TagPattern that && pattern.equals(that.pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    private static IllegalArgumentException invalid(String pattern, String why) {
        String shown = pattern == null ? "" : pattern.length() > 80 ? pattern.substring(0, 80) + "…" : pattern;
        return new IllegalArgumentException("invalid tag pattern \"" + shown + "\": " + why);
    }
}
