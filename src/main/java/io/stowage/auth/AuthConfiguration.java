package io.stowage.auth;

import java.time.Clock;

import io.stowage.config.StowageProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Wires the token issuer and verifier to the stored signing keys and the {@code stowage.auth.*} settings. */
@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** bcrypt today; hashes carry their {id}, so a stronger default later still checks existing ones. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    TokenIssuer tokenIssuer(SigningKeys keys, StowageProperties properties, Clock clock) {
        return new TokenIssuer(keys, properties.auth().issuer(), properties.auth().tokenLifetime(), clock);
    }

    @Bean
    TokenVerifier tokenVerifier(SigningKeys keys, StowageProperties properties, Clock clock) {
        return new TokenVerifier(keys, properties.auth().issuer(), properties.auth().service(), clock);
    }
}
