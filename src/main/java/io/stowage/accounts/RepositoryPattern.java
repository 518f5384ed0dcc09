package io.stowage.accounts;

import java.util.regex.Pattern;

/**
 * A repository name in which {@code *} stands for any run of characters, slashes included: {@code ci/*} covers
 * {@code ci/app} and {@code ci/team/app}, {@code *} covers everything, {@code team/app} only itself.
 */
public record RepositoryPattern(String pattern) {

    /** As long as the longest repository name: no longer pattern can match one. */
    public static final int MAX_LENGTH = 255;

    private static final Pattern SYNTAX = Pattern.compile("[a-z0-9._/*:-]+");

    public RepositoryPattern {
        if (pattern == null || pattern.isEmpty() || pattern.length() > MAX_LENGTH
                || !SYNTAX.matcher(pattern).matches()) {
            throw new IllegalArgumentException("invalid repository pattern \"" + pattern
                    + "\": a repository name in which * stands for any characters, e.g. ci/*");
        }
    }

    public static RepositoryPattern of(String pattern) {
        return new RepositoryPattern(pattern);
    }

    /** The pattern as an anchored regular expression, valid in both Java and PostgreSQL. */
    public String regex() {
        StringBuilder regex = new StringBuilder("^");
        for (char c : pattern.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (Character.isLetterOrDigit(c) || c == '/' || c == '_' || c == '-' || c == ':') {
                regex.append(c);
            } else {
                regex.append('\\').append(c);
            }
        }
        return regex.append('$').toString();
    }

    public boolean matches(String repository) {
        return Pattern.matches(regex(), repository);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
