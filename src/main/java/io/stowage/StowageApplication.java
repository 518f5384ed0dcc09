package io.stowage;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Stowage: a self-hosted OCI container image registry. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class StowageApplication {

    public static void main(String[] args) {
        SpringApplication.run(StowageApplication.class, args);
    }
}
