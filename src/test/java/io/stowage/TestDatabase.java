package io.stowage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The real PostgreSQL the tests run against: the one named by {@code STOWAGE_TEST_DATABASE_URL} (with
 * {@code STOWAGE_TEST_DATABASE_USER}/{@code _PASSWORD}), else one embedded server per test JVM.
 */
public final class TestDatabase {

    private static EmbeddedPostgres embedded;

    private TestDatabase() {
    }

    public static synchronized String jdbcUrl() {
        String external = System.getenv("STOWAGE_TEST_DATABASE_URL");
        if (external != null && !external.isBlank()) {
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
        return System.getenv().getOrDefault("STOWAGE_TEST_DATABASE_USER", "postgres");
    }

    public static String password() {
        return System.getenv().getOrDefault("STOWAGE_TEST_DATABASE_PASSWORD", "postgres");
    }
}
