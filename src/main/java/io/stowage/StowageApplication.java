package io.stowage;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Stowage: a self-hosted OCI container image registry. Its accounts are its own (no Spring Security user store with a
 * generated password): {@link io.stowage.security.SecurityConfiguration} says how each surface checks them.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
@EnableScheduling
public class StowageApplication {

    /**
     * The JDK HTTP client's buffer size, unless set with {@code -Djdk.httpclient.bufsize}: the pull-through cache
     * streams layers from upstreams through it, and with the default 16 KiB buffers a cold pull ran at 0.84-0.90x of
     * distribution's on our 2-core machines, with 256 KiB at 1.28x (bench/pull-through). Read once, when the client's
     * classes load: set before anything uses them.
     */
    static final String HTTP_CLIENT_BUFFER = "262144";

    public static void main(String[] args) {
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", HTTP_CLIENT_BUFFER);
        }
        SpringApplication.run(StowageApplication.class, args);
    }
}
