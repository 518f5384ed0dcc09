package io.stowage.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.stowage.config.StowageProperties;
import io.stowage.config.StowageProperties.OidcProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenID Connect providers the web UI signs in with ({@code stowage.auth.oidc.providers}). A provider's
 * configuration is read from its discovery document at its first sign-in, not at start, so that a provider that is
 * down never keeps Stowage from starting; the read is bounded by {@link #DISCOVERY_TIMEOUT}, and a provider that
 * could not be read is tried again at the next sign-in. Redirect URIs are under {@code /ui/}, in the UI's chain.
 */
@Component
public class OidcProviders {

    /** Where a sign-in starts: {@code /ui/oauth2/authorization/<id>}. */
    public static final String AUTHORIZATION_BASE = "/ui/oauth2/authorization";
    /** Where the provider sends the browser back: {@code /ui/login/oauth2/code/<id>}. */
    public static final String REDIRECT_BASE = "/ui/login/oauth2/code";
    static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(OidcProviders.class);

    private final Map<String, OidcProvider> configured;
    private final Map<String, ClientRegistration> discovered = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(DISCOVERY_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final JsonMapper json = JsonMapper.builder().build();

    public OidcProviders(StowageProperties properties) {
        this.configured = properties.auth().oidc().providers();
    }

    /** A provider as the sign-in page offers it. */
    public record Offered(String id, String name) {
    }

    public boolean any() {
        return !configured.isEmpty();
    }

    /** The providers, by name. */
    public List<Offered> offered() {
        return configured.entrySet().stream()
                .map(e -> new Offered(e.getKey(), e.getValue().name() == null ? e.getKey() : e.getValue().name()))
                .sorted(Comparator.comparing(Offered::name)).toList();
    }

    /** The provider's settings, if it is configured. */
    public Optional<OidcProvider> provider(String id) {
        return Optional.ofNullable(configured.get(id));
    }

    /**
     * The provider's client registration, read from its discovery document the first time.
     *
     * @return empty when no provider has that id, or its discovery document cannot be read now (logged)
     */
    public Optional<ClientRegistration> registration(String id) {
        OidcProvider provider = configured.get(id);
        if (provider == null) {
            return Optional.empty();
        }
        ClientRegistration known = discovered.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            ClientRegistration registration = discover(id, provider);
            discovered.put(id, registration);
            return Optional.of(registration);
        } catch (Exception e) {
            log.warn("The OpenID Connect provider {} ({}) cannot be read: {}", id, provider.issuerUri(), e.toString());
            return Optional.empty();
        }
    }

    /** For Spring Security's OAuth2 login: the registrations, as {@link #registration} finds them. */
    public ClientRegistrationRepository repository() {
        return id -> registration(id).orElse(null);
    }

    private ClientRegistration discover(String id, OidcProvider provider) throws Exception {
        String issuer = provider.issuerUri().toString();
        URI document = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(document).timeout(DISCOVERY_TIMEOUT)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(document + " answered " + response.statusCode());
        }
        JsonNode metadata = json.readTree(response.body());
        // OpenID Connect Discovery 1.0, 4.3: the document must name the issuer it was asked of.
        if (!issuer.equals(text(metadata, "issuer"))) {
            throw new IllegalStateException(document + " names the issuer " + text(metadata, "issuer")
                    + ", not " + issuer);
        }
        Set<String> scopes = new LinkedHashSet<>(List.of("openid"));
        scopes.addAll(provider.scopes());
        Map<String, Object> configuration = new LinkedHashMap<>();
        metadata.properties().forEach(e -> configuration.put(e.getKey(), e.getValue().isString()
                ? e.getValue().asString() : e.getValue().toString()));
        boolean secret = provider.clientSecret() != null && !provider.clientSecret().isEmpty();
        return ClientRegistration.withRegistrationId(id)
                .clientId(provider.clientId())
                .clientSecret(secret ? provider.clientSecret() : null)
                .clientAuthenticationMethod(secret ? ClientAuthenticationMethod.CLIENT_SECRET_BASIC
                        : ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}" + REDIRECT_BASE + "/{registrationId}")
                // PKCE for confidential clients too (OAuth 2.1): an intercepted code is worth nothing.
                .clientSettings(ClientRegistration.ClientSettings.builder().requireProofKey(true).build())
                .scope(scopes)
                .clientName(provider.name() == null ? id : provider.name())
                .issuerUri(issuer)
                .authorizationUri(required(metadata, "authorization_endpoint"))
                .tokenUri(required(metadata, "token_endpoint"))
                .jwkSetUri(required(metadata, "jwks_uri"))
                .userInfoUri(text(metadata, "userinfo_endpoint"))
                .userNameAttributeName(IdTokenClaimNames.SUB)
                .providerConfigurationMetadata(configuration)
                .build();
    }

    private static String required(JsonNode metadata, String field) {
        String value = text(metadata, field);
        if (value == null) {
            throw new IllegalStateException("the discovery document has no " + field);
        }
        return value;
    }

    private static String text(JsonNode metadata, String field) {
        JsonNode value = metadata.get(field);
        return value == null || !value.isString() ? null : value.asString();
    }
}
