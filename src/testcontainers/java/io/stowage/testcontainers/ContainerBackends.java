package io.stowage.testcontainers;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.stowage.storage.s3.S3TestServer;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Under {@code -Ptestcontainers}, runs every integration test against PostgreSQL and MinIO in containers, started
 * once per test JVM before the first test and pointed at through the system properties {@code TestDatabase} and
 * {@code S3TestServer} read; or skips them all where there is no Docker engine. The profile registers it for the
 * integration tests alone (JUnit's extension auto-detection), so the unit tests and the default build never see it.
 */
public class ContainerBackends implements ExecutionCondition {

    private static final String NO_DOCKER = "no Docker engine: Testcontainers suites skipped";

    private static ConditionEvaluationResult result;
    private static RuntimeException failure;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return start();
    }

    private static synchronized ConditionEvaluationResult start() {
        if (result == null && failure == null) {
            try {
                result = DockerClientFactory.instance().isDockerAvailable()
                        ? ConditionEvaluationResult.enabled("Testcontainers suites against " + startContainers())
                        : ConditionEvaluationResult.disabled(NO_DOCKER);
                tellTheConsole(result.getReason().orElseThrow());
            } catch (RuntimeException e) {
                // A Docker engine that cannot run the containers fails every test, once: it is not a missing engine.
                failure = new IllegalStateException("the Testcontainers suites' containers did not start", e);
                tellTheConsole(failure + ": " + e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /**
     * Straight to the JVM's standard error, which failsafe copies to the build's console: what the tests print
     * through {@code System.err} goes to {@code target/failsafe-reports/*-output.txt} instead. Never closed: that
     * would close the JVM's standard error.
     */
    private static void tellTheConsole(String message) {
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        console.println("[stowage] " + message);
    }

    private static String startContainers() {
        // The PostgreSQL the embedded default runs (18); as many connections as the ITs' contexts and nodes open.
        PostgreSQLContainer postgres = new PostgreSQLContainer(image("postgres", "postgres:18-alpine"))
                .withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=300");
        MinIOContainer minio = new MinIOContainer(image("minio", "minio/minio:RELEASE.2025-02-28T09-55-16Z"))
                .withUserName(S3TestServer.ACCESS_KEY)
                .withPassword(S3TestServer.SECRET_KEY);
        Startables.deepStart(postgres, minio).join();
        System.setProperty("stowage.test.database.url", postgres.getJdbcUrl());
        System.setProperty("stowage.test.database.user", postgres.getUsername());
        System.setProperty("stowage.test.database.password", postgres.getPassword());
        System.setProperty("stowage.test.s3.endpoint", minio.getS3URL());
        // Stopped with the JVM by Testcontainers' reaper.
        return postgres.getDockerImageName() + " at " + postgres.getJdbcUrl() + " and " + minio.getDockerImageName()
                + " at " + minio.getS3URL();
    }

    /** The image named by {@code -Dstowage.test.<name>-image}, else the default. */
    private static DockerImageName image(String name, String fallback) {
        return DockerImageName.parse(System.getProperty("stowage.test." + name + "-image", fallback));
    }
}
