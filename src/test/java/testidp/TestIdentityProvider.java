package testidp;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * A real OpenID Connect provider in the test JVM: Spring Authorization Server, as Spring Boot configures it, on
 * {@code 127.0.0.1} and a port of its own (another host than the registry's {@code localhost}, so the browser keeps
 * their cookies apart). It has one client, {@link #CLIENT_ID} / {@link #CLIENT_SECRET}, which may redirect where
 * {@link #allowRedirect} says, and the users {@link #addUser} adds, whose groups it puts in the ID token's
 * {@code groups} claim and which a test may change between sign-ins. It lives in a package of its own, outside
 * {@code io.stowage}, so that no {@code @SpringBootTest} finds its application class instead of Stowage's.
 */
public final class TestIdentityProvider implements AutoCloseable {

    public static final String CLIENT_ID = "stowage";
    public static final String CLIENT_SECRET = "stowage-client-secret-for-tests";

    private static final Map<String, Account> ACCOUNTS = new ConcurrentHashMap<>();
    private static final Set<String> REDIRECTS = ConcurrentHashMap.newKeySet();

    private final ConfigurableApplicationContext context;
    private final int port;

    private record Account(String password, Set<String> groups) {
    }

    private TestIdentityProvider(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** Starts a provider; its client redirects nowhere until {@link #allowRedirect} says where. */
    public static TestIdentityProvider start() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Provider.class)
                .properties(Map.of(
                        "spring.config.name", "test-identity-provider",
                        "server.address", "127.0.0.1",
                        "server.port", "0",
                        "spring.main.banner-mode", "off",
                        "spring.autoconfigure.exclude", String.join(",", EXCLUDED)))
                .run();
        return new TestIdentityProvider(context);
    }

    /** Lets the client redirect to this URI (a registry's {@code <base>/ui/login/oauth2/code/<id>}). */
    public void allowRedirect(String uri) {
        REDIRECTS.add(uri);
    }

    /** {@code http://127.0.0.1:<port>}: the issuer, and where its discovery document is. */
    public String issuer() {
        return "http://127.0.0.1:" + port;
    }

    /** Adds (or replaces) an account of the provider, in these groups. */
    public void addUser(String username, String password, Set<String> groups) {
        ACCOUNTS.put(username, new Account(password, Set.copyOf(groups)));
    }

    /** The account's groups from now on (its next ID token). */
    public void setGroups(String username, Set<String> groups) {
        ACCOUNTS.computeIfPresent(username, (name, account) -> new Account(account.password(), Set.copyOf(groups)));
    }

    @Override
    public void close() {
        context.close();
    }

    /** What the provider's application leaves out of the test class path's auto-configuration: Stowage's stack. */
    private static final List<String> EXCLUDED = List.of(
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
            "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
            "org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration",
            "org.springframework.boot.session.autoconfigure.SessionAutoConfiguration");

    /** The provider's application. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Provider {

        /** The one client, with the redirect URIs allowed so far. */
        @Bean
        RegisteredClientRepository clients() {
            return new RegisteredClientRepository() {
                @Override
                public void save(RegisteredClient client) {
                    // The client is made anew from the constants at every lookup: nothing to keep (its secret's
                    // encoding "upgraded" by the server included).
                }

                @Override
                public RegisteredClient findById(String id) {
                    return findByClientId(id);
                }

                @Override
                public RegisteredClient findByClientId(String clientId) {
                    if (!CLIENT_ID.equals(clientId)) {
                        return null;
                    }
                    return RegisteredClient.withId(CLIENT_ID).clientId(CLIENT_ID)
                            .clientSecret("{noop}" + CLIENT_SECRET)
                            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                            .redirectUris(uris -> uris.addAll(REDIRECTS))
                            .scopes(scopes -> scopes.addAll(List.of("openid", "profile", "email")))
                            .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).build())
                            .build();
                }
            };
        }

        @Bean
        UserDetailsService accounts() {
            return username -> {
                Account account = ACCOUNTS.get(username);
                if (account == null) {
                    throw new UsernameNotFoundException(username);
                }
                return User.withUsername(username).password("{noop}" + account.password()).roles("USER").build();
            };
        }

        /** The ID token names the account by {@code preferred_username} and lists its {@code groups}. */
        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> idTokenClaims() {
            return context -> {
                if (!"id_token".equals(context.getTokenType().getValue())) {
                    return;
                }
                String username = context.getPrincipal().getName();
                Account account = ACCOUNTS.get(username);
                context.getClaims().claim("preferred_username", username);
                context.getClaims().claim("groups", account == null ? List.of() : List.copyOf(account.groups()));
            };
        }
    }
}
