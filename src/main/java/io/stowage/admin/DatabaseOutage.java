package io.stowage.admin;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Whether a failure means PostgreSQL cannot be reached or did not answer in time, which the admin API answers with 503
 * and {@code Retry-After} rather than 500: the request was fine, the database was not. Kept private to the admin API
 * until the surfaces share one classification.
 */
final class DatabaseOutage {

    /** What {@code Retry-After} suggests: the pool's connection timeout is a few seconds, a restart a little more. */
    static final int RETRY_AFTER_SECONDS = 5;

    /** SQLState class 08: connection exception (refused, lost, or never established). */
    private static final String CONNECTION_EXCEPTION_CLASS = "08";

    private DatabaseOutage() {
    }

    static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // Spring's own words for it: no connection (CannotGetJdbcConnectionException is one), none for a
            // transaction, a rollback that failed because the connection went, timeouts and other transient errors.
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
                    || t instanceof CannotCreateTransactionException || t instanceof TransactionSystemException) {
                return true;
            }
            // The pool's timeout waiting for a connection, and the driver's connection errors.
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && sql.getSQLState().startsWith(CONNECTION_EXCEPTION_CLASS)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
