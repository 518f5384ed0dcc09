package io.stowage.outage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * A service Stowage cannot answer without, and how to tell from a failure that it is out of reach: the one place
 * every surface ({@code /v2/}, the UI, the token endpoint, the admin API) asks before answering 503.
 */
public enum Dependency {

    DATABASE("metadata database"),
    STORAGE("blob storage"),
    /** The LDAP directory users sign in with: while it is out, its users cannot, and local accounts still do. */
    DIRECTORY("user directory");

    /** What a request refused for an outage tells the client to wait before it tries again. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private static final int MAX_CAUSES = 32;

    private final String description;

    Dependency(String description) {
        this.description = description;
    }

    /** How people call it: "metadata database", "blob storage". */
    public String description() {
        return description;
    }

    /**
     * The dependency whose outage the failure shows, if it shows one. The database is out when a connection cannot be
     * had, breaks, or a transaction cannot begin, commit or roll back; storage is out when an I/O failure that is not
     * the client's ({@link ClientFailures}) reaches a request, since request handling does no other I/O. Anything
     * else (a constraint violated, a bug) is no outage: empty.
     */
    public static Optional<Dependency> outageOf(Throwable failure) {
        int depth = 0;
        boolean io = false;
        for (Throwable t = failure; t != null && depth++ < MAX_CAUSES; t = t.getCause()) {
            if (t instanceof DirectoryUnavailableException) {
                return Optional.of(DIRECTORY);
            }
            if (isDatabaseUnreachable(t)) {
                return Optional.of(DATABASE);
            }
            io |= t instanceof IOException || t instanceof UncheckedIOException;
        }
        if (io && !ClientFailures.isClientFailure(failure)) {
            return Optional.of(STORAGE);
        }
        return Optional.empty();
    }

    private static boolean isDatabaseUnreachable(Throwable t) {
        // Spring's translations (CannotGetJdbcConnectionException is a DataAccessResourceFailureException)...
        if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessResourceException
                || t instanceof RecoverableDataAccessException || t instanceof QueryTimeoutException
                || t instanceof CannotCreateTransactionException || t instanceof TransactionSystemException) {
            return true;
        }
        // ... and what they wrap, for callers that see JDBC's own: Hikari's timeout is an SQLTransientConnection one.
        if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || t instanceof SQLRecoverableException) {
            return true;
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            // 08: connection exception; 57P: the server shutting down or starting; 53: out of connections or memory.
            return state.startsWith("08") || state.startsWith("57P") || state.startsWith("53");
        }
        return false;
    }
}
