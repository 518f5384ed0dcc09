package io.stowage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The real PostgreSQL the tests run against: the one named by {@code STOWAGE_TEST_DATABASE_URL} (with
 * {@code STOWAGE_TEST_DATABASE_USER}/{@code _PASSWORD}), or by the system properties {@code stowage.test.database.url}
 * ({@code .user}, {@code .password}) that {@code -Ptestcontainers} sets for its container, else one embedded server
 * per test JVM.
 */
public final class TestDatabase {

    private static EmbeddedPostgres embedded;

    private TestDatabase() {
    }

    public static synchronized String jdbcUrl() {
        String external = setting("url", null);
        if (external != null) {
            return external;
        }
        if (embedded == null) {
            try {
                Path dir = Files.createTempDirectory("stowage-test-pg");
                embedded = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
                        .setServerConfig("max_connections", "300").start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is going away anyway
                }
            }));
        }
        return embedded.getJdbcUrl("postgres", "postgres");
    }

    public static String username() {
        return setting("user", "postgres");
    }

    public static String password() {
        return setting("password", "postgres");
    }

    /** {@code stowage.test.database.<name>}, else {@code STOWAGE_TEST_DATABASE_<NAME>}, else the fallback. */
    private static String setting(String name, String fallback) {
        String value = System.getProperty("stowage.test.database." + name);
        if (value == null || value.isBlank()) {
            value = System.getenv("STOWAGE_TEST_DATABASE_" + name.toUpperCase(Locale.ROOT));
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
