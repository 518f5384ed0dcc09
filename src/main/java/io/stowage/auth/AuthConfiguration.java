package io.stowage.auth;

import java.time.Clock;

import io.stowage.config.StowageProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Wires the token issuer and verifier to the stored signing keys and the {@code stowage.auth.*} settings. */
@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AuthConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** bcrypt today; hashes carry their {id}, so a stronger default later still checks existing ones. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /** {@code stowage.auth.mode=none} leaves every repository open to anyone: say so where nobody can miss it. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> openRegistryWarning(StowageProperties properties) {
        return event -> {
            if (properties.auth().mode() == StowageProperties.AuthMode.NONE) {
                log.warn("""

                        ************************************************************************
                        *  stowage.auth.mode=none: AUTHENTICATION IS OFF.                      *
                        *  Anyone who can reach this port may push, pull and delete anything.  *
                        *  Use it for development only; set stowage.auth.mode=token otherwise. *
                        ************************************************************************""");
            }
        };
    }

    @Bean
    TokenIssuer tokenIssuer(SigningKeys keys, StowageProperties properties, Clock clock) {
        return new TokenIssuer(keys, properties.auth().issuer(), properties.auth().tokenLifetime(), clock);
    }

    /** Read at start, so that a missing or broken keys file stops Stowage with a message naming the setting. */
    @Bean
    TrustedIssuers trustedIssuers(StowageProperties properties) {
        return TrustedIssuers.load(properties.auth().trustedIssuers(), properties.auth().issuer());
    }

    @Bean
    TokenVerifier tokenVerifier(SigningKeys keys, TrustedIssuers trustedIssuers, StowageProperties properties,
                                Clock clock) {
        return new TokenVerifier(keys, properties.auth().issuer(), trustedIssuers, properties.auth().service(), clock,
                properties.auth().cache().tokens());
    }
}
