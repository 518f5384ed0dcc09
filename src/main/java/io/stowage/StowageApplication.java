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

    public static void main(String[] args) {
        SpringApplication.run(StowageApplication.class, args);
    }
}
