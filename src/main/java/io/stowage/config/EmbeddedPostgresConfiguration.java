package io.stowage.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The zero-configuration database: when no {@code spring.datasource.url} is set, Stowage runs its own
 * PostgreSQL with its cluster under {@code <data-dir>/postgres}, so a single node needs nothing else. It is
 * Stowage's alone: programs under {@code <data-dir>/postgres-binaries}, loopback only, SCRAM password
 * ({@link EmbeddedPostgresAccess}), the data directory readable by the service's user only.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoDataSourceUrl.class)
public class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    @Bean
    EmbeddedPostgresAccess embeddedPostgresAccess(StowageProperties properties) throws IOException {
        return EmbeddedPostgresAccess.forDataDirectory(PrivateFiles.directory(properties.dataDir()));
    }

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(StowageProperties properties, EmbeddedPostgresAccess access) throws IOException {
        Path dataDir = PrivateFiles.directory(properties.dataDir());
        Path cluster = dataDir.resolve("postgres");
        Files.createDirectories(cluster);
        log.info("No spring.datasource.url set: starting embedded PostgreSQL with its data in {}", cluster);
        stopOrphanedServer(cluster);
        Path binaries = PrivateFiles.directory(dataDir.resolve("postgres-binaries"));
        EmbeddedPostgresBinaries resolver = new EmbeddedPostgresBinaries(binaries);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(cluster)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binaries.toFile())
                .setPgBinaryResolver(resolver)
                // Runs after initdb (when the cluster is new) and before the server starts, every time.
                .setDataDirectoryCustomizer(dir -> access.secure(dir.toPath(), resolver.bin()))
                // The library's own readiness check connects as the superuser: with the password, as everyone must.
                .setConnectConfig("password", access.password())
                // Stopped as a bean, after the web server: the library's own shutdown hook would stop PostgreSQL at
                // the SIGTERM, under the requests that graceful shutdown lets finish.
                .setRegisterShutdownHook(false)
                .setServerConfig("max_connections", "200")
                // TCP on loopback only (with SCRAM, see pg_hba.conf); no Unix socket in a shared /tmp.
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("unix_socket_directories", "")
                .setServerConfig("password_encryption", "scram-sha-256")
                // The library starts PostgreSQL for throwaway test databases (-F, asynchronous commit); this is
                // the registry's metadata, so it must survive a crash like the blobs do.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .start();
        // The library makes the directory it unpacks into writable by everyone; it is ours alone.
        PrivateFiles.restrict(binaries, PrivateFiles.DIRECTORY);
        resolver.removeOthers();
        return postgres;
    }

    /** The pool takes {@code spring.datasource.hikari.*} (sizes, timeouts) as it would for an external database. */
    @Bean(destroyMethod = "close")
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedPostgres postgres, EmbeddedPostgresAccess access) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl(EmbeddedPostgresAccess.SUPERUSER, "postgres"));
        dataSource.setUsername(EmbeddedPostgresAccess.SUPERUSER);
        dataSource.setPassword(access.password());
        dataSource.setMaximumPoolSize(20);
        dataSource.setPoolName("stowage-embedded");
        return dataSource;
    }

    /**
     * If Stowage died without stopping its PostgreSQL (kill -9, OOM), that server still holds the cluster
     * and a new one could not start. Its clients are gone with the old process, so it is asked to stop.
     */
    private static void stopOrphanedServer(Path cluster) throws IOException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
        } catch (RuntimeException e) {
            return;
        }
        ProcessHandle.of(pid)
                .filter(process -> process.info().command().map(command -> command.contains("postgres")).orElse(false))
                .ifPresent(process -> {
                    log.warn("Stopping PostgreSQL (pid {}) left running on {} by an earlier Stowage", pid, cluster);
                    process.destroy();
                    try {
                        process.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        process.destroyForcibly();
                    }
                });
    }

    /** Matches when the environment names no external database. */
    static class NoDataSourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }
}
