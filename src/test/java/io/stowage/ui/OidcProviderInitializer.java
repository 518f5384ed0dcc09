package io.stowage.ui;

import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import testidp.TestIdentityProvider;

/**
 * Starts one {@link TestIdentityProvider} for the test JVM and configures it as the OIDC provider {@link #ID} of the
 * registry's context (with token auth, as {@code @TokenAuth} sets it up), where passwords sign in the administrator
 * only.
 */
public class OidcProviderInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String ID = "corp";
    public static final String NAME = "Corp SSO";
    private static TestIdentityProvider provider;

    /** The provider, started at the first context that needs it. */
    public static synchronized TestIdentityProvider provider() {
        if (provider == null) {
            provider = TestIdentityProvider.start();
        }
        return provider;
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        String prefix = "stowage.auth.oidc.providers." + ID + ".";
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("oidc-test", Map.of(
                prefix + "issuer-uri", provider().issuer(),
                prefix + "client-id", TestIdentityProvider.CLIENT_ID,
                prefix + "client-secret", TestIdentityProvider.CLIENT_SECRET,
                prefix + "name", NAME,
                // Passwords sign in the administrator only: the break-glass mode an SSO deployment runs in.
                "stowage.auth.oidc.password-sign-in", "administrator")));
    }
}
