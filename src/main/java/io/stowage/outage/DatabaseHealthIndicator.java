package io.stowage.outage;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL can serve requests: a connection from the pool, validated. Replaces Spring Boot's {@code db} indicator
 * (same name, so the readiness group keeps it), whose query waits as long as the pool's connection timeout.
 */
@Component("dbHealthIndicator")
class DatabaseHealthIndicator extends DependencyHealthIndicator {

    private static final int VALIDATION_SECONDS = 1;

    private final DataSource dataSource;

    DatabaseHealthIndicator(DataSource dataSource, OutageLog outages) {
        super(Dependency.DATABASE, outages, TIMEOUT);
        this.dataSource = dataSource;
    }

    @Override
    protected void check(Health.Builder builder) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(VALIDATION_SECONDS)) {
                throw new SQLException("the database did not validate a connection within " + VALIDATION_SECONDS
                        + " s", "08006");
            }
            builder.withDetail("database", connection.getMetaData().getDatabaseProductName());
        }
    }
}
