package io.stowage.storage.s3;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfiguration;

/**
 * Runs a {@code RegistryTestBase} test against the s3 backend (S3Proxy, {@link S3TestServer}) instead of the
 * filesystem. Every test class so annotated shares one application context, with a database schema of its
 * own: the blobs recorded with filesystem keys by the other context must not be found by this one.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ContextConfiguration(initializers = S3Storage.Initializer.class)
public @interface S3Storage {

    String BUCKET = "registry-it";
    String SCHEMA = "stowage_s3";

    /** Points the registry at S3Proxy. */
    class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            S3TestServer.bucket(BUCKET);
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("s3-test-storage", Map.of(
                    "stowage.storage.type", "s3",
                    "stowage.storage.s3.endpoint", S3TestServer.endpoint().toString(),
                    "stowage.storage.s3.region", S3TestServer.REGION,
                    "stowage.storage.s3.bucket", BUCKET,
                    "stowage.storage.s3.access-key", S3TestServer.ACCESS_KEY,
                    "stowage.storage.s3.secret-key", S3TestServer.SECRET_KEY,
                    "stowage.storage.s3.path-style", "true",
                    "spring.datasource.hikari.schema", SCHEMA,
                    "spring.flyway.schemas", SCHEMA,
                    "spring.flyway.default-schema", SCHEMA)));
        }
    }
}
