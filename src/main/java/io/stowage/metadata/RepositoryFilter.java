package io.stowage.metadata;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Which repositories a query may return: all of them, or the public ones plus those whose name matches one of the
 * PostgreSQL regular expressions (anchored, as {@code RepositoryPattern} makes them).
 */
public record RepositoryFilter(boolean all, List<String> nameRegexes) {

    public static final RepositoryFilter ALL = new RepositoryFilter(true, List.of());

    public RepositoryFilter {
        nameRegexes = List.copyOf(nameRegexes);
    }

    public static RepositoryFilter publicOr(List<String> nameRegexes) {
        return new RepositoryFilter(false, nameRegexes);
    }

    /** The SQL condition on the repositories row aliased {@code alias}; {@link #bind} its parameter where it stands. */
    String condition(String alias) {
        return all ? "true" : "(" + alias + ".visibility = 'public' or " + alias + ".name ~ any(?))";
    }

    /** Binds the condition's parameter (if it has one) as the statement's next positional parameter. */
    JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
        return all ? statement : statement.param(nameRegexes.toArray(String[]::new));
    }
}
