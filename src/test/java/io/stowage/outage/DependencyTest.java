package io.stowage.outage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import io.stowage.storage.PartialWriteException;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.coyote.BadRequestException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures are outages of which dependency: the one rule every surface answers 503 by. */
class DependencyTest {

    /** What PostgreSQL's driver throws when the server went away mid-statement: an I/O error inside. */
    private static SQLException connectionLost() {
        return new SQLException("An I/O error occurred while sending to the backend.", "08006",
                new EOFException());
    }

    @Test
    void aDatabaseThatCannotBeReachedIsADatabaseOutage() {
        assertThat(Dependency.outageOf(new CannotCreateTransactionException("Could not open JDBC Connection",
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available"))))
                .contains(Dependency.DATABASE);
        // The rollback after a broken connection: what answered 500 before.
        TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed", connectionLost());
        assertThat(Dependency.outageOf(rollback)).contains(Dependency.DATABASE);
        assertThat(Dependency.outageOf(new CannotGetJdbcConnectionException("no connection", connectionLost())))
                .contains(Dependency.DATABASE);
        assertThat(Dependency.outageOf(new QueryTimeoutException("slow"))).contains(Dependency.DATABASE);
        // SQLSTATE 57P01, admin_shutdown: pg_ctl stop while a statement runs, not (yet) translated by Spring.
        assertThat(Dependency.outageOf(new UncategorizedSQLException("select", "select 1",
                new SQLException("terminating connection due to administrator command", "57P01"))))
                .contains(Dependency.DATABASE);
        assertThat(Dependency.outageOf(new IllegalStateException("wrapped", connectionLost())))
                .contains(Dependency.DATABASE);
    }

    @Test
    void aDatabaseThatRefusesAStatementIsNoOutage() {
        // 22021: a NUL in a text parameter. A bug or bad input, answered by what it is, never 503.
        assertThat(Dependency.outageOf(new DataIntegrityViolationException("insert",
                new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021")))).isEmpty();
        assertThat(Dependency.outageOf(new CannotAcquireLockException("deadlock",
                new SQLException("deadlock detected", "40P01")))).isEmpty();
        assertThat(Dependency.outageOf(new IllegalArgumentException("bug"))).isEmpty();
    }

    @Test
    void anIoFailureThatIsNotTheClientsIsAStorageOutage() {
        assertThat(Dependency.outageOf(new UncheckedIOException(new IOException("S3 PutObject failed",
                new ConnectException("Connection refused"))))).contains(Dependency.STORAGE);
        assertThat(Dependency.outageOf(new IOException("No space left on device"))).contains(Dependency.STORAGE);
    }

    @Test
    void whatTheClientBrokeIsNoOutage() {
        assertThat(Dependency.outageOf(new UncheckedIOException(new PartialWriteException(10, null,
                new ClientAbortException(new EOFException()))))).isEmpty();
        assertThat(Dependency.outageOf(new BadRequestException("Invalid chunk header"))).isEmpty();
        assertThat(Dependency.outageOf(new UncheckedIOException(new ClientAbortException("Broken pipe")))).isEmpty();
    }
}
