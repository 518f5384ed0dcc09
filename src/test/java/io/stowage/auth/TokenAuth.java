package io.stowage.auth;

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
 * Runs a {@code RegistryTestBase} test with token auth on ({@code stowage.auth.mode=token}, the default of a real
 * deployment) and the administrator {@link #ADMIN} / {@link #ADMIN_PASSWORD}. Every class so annotated shares one
 * application context, on the same database and storage as the unauthenticated one, like a second node.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ContextConfiguration(initializers = TokenAuth.Initializer.class)
public @interface TokenAuth {

    String ADMIN = "admin";
    String ADMIN_PASSWORD = "admin-password-for-tests";

    /** Turns token auth on. */
    class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("token-auth-test", Map.of(
                    "stowage.auth.mode", "token",
                    "stowage.auth.admin.username", ADMIN,
                    "stowage.auth.admin.password", ADMIN_PASSWORD,
                    "stowage.auth.public-repositories", "public-by-config/*",
                    // Two upstreams nothing listens for (port 9, discard): what access control does in front of
                    // the cache, whatever the upstream answers (CacheAccessIT).
                    "stowage.proxy.upstreams.offline.url", "http://127.0.0.1:9",
                    "stowage.proxy.upstreams.offline.namespace", "offline-cache",
                    "stowage.proxy.upstreams.offline.anonymous-pull", "true",
                    "stowage.proxy.upstreams.closed.url", "http://127.0.0.1:9",
                    "stowage.proxy.upstreams.closed.namespace", "closed-cache")));
        }
    }
}
