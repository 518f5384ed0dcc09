package io.stowage.security;

import java.util.List;

import io.stowage.admin.AdminAuthenticationFilter;
import io.stowage.auth.AccessPolicy;
import io.stowage.auth.AuthMetrics;
import io.stowage.auth.Identities;
import io.stowage.auth.OidcProviders;
import io.stowage.auth.SignIn;
import io.stowage.auth.TokenVerifier;
import io.stowage.config.StowageProperties;
import io.stowage.distribution.RegistryAccessManager;
import io.stowage.distribution.RegistryAuthenticationFilter;
import io.stowage.distribution.RegistryRefusals;
import io.stowage.outage.OutageLog;
import io.stowage.registry.RepositoryAccess;
import io.stowage.ui.UiCsrfTokens;
import io.stowage.ui.UiOidcSignIn;
import io.stowage.ui.UiSessions;
import io.stowage.ui.UiVisitorFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.session.DisableEncodeUrlFilter;

/**
 * Every surface's security, in one place: one Spring Security filter chain each for the registry API (/v2/ and
 * docker search), the token endpoint, the admin API and the web UI, and one for what is open to all (static assets,
 * the error page, and the management port's health and metrics, which stay inside the cluster). Before any of them,
 * Spring Security's firewall refuses paths that mean one thing to the servlet container and another to Spring MVC
 * ({@code ;} parameters, encoded separators), answered in the surface's format ({@link SurfaceRejections}).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfiguration {

    /** Prefix of the web UI's content security policy: nothing may frame a page, post a form elsewhere, or plug in. */
    static final String UI_CONTENT_SECURITY_POLICY =
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'";

    /** The name of Spring Boot's registration of Spring Session's filter. */
    static final String SESSION_FILTER_REGISTRATION = "sessionRepositoryFilterRegistration";

    /**
     * Any method reaches Spring MVC, which answers those an endpoint lacks with 405 and {@code Allow}, not 400. Header
     * and parameter names and header values are checked as by default, with a fast path for printable ASCII
     * ({@link FirewallCharacters}).
     */
    @Bean
    HttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setUnsafeAllowAnyHttpMethod(true);
        firewall.setAllowedHeaderNames(FirewallCharacters.printableAsciiOr(StrictHttpFirewall.ALLOWED_HEADER_NAMES));
        firewall.setAllowedHeaderValues(FirewallCharacters.printableAsciiOr(StrictHttpFirewall.ALLOWED_HEADER_VALUES));
        firewall.setAllowedParameterNames(
                FirewallCharacters.printableAsciiOr(StrictHttpFirewall.ALLOWED_PARAMETER_NAMES));
        return firewall;
    }

    /**
     * No observation of Spring Security's filters and authorizations: a timer and span per filter per request cost a
     * third of a manifest GET, and the registry's own metrics already count requests, refusals and sign-ins.
     */
    @Bean
    static SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Session only for the web UI: the other surfaces are stateless, so their requests neither look a session
     * up in PostgreSQL nor, when a browser sends the UI's cookie along, touch that session.
     */
    @Bean
    static BeanPostProcessor sessionsOnlyForTheUi() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof DelegatingFilterProxyRegistrationBean registration
                        && SESSION_FILTER_REGISTRATION.equals(name)) {
                    registration.setUrlPatterns(List.of("/ui/*"));
                }
                return bean;
            }
        };
    }

    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return new SurfaceRejections();
    }

    /**
     * /v2/ and /v1/search, stateless: bearer tokens and basic credentials ({@link RegistryAuthenticationFilter}), then
     * the access each request needs ({@link RegistryAccessManager}), refused with the Docker token challenge or 403
     * {@code DENIED}. Blobs and manifests keep their own caching headers, and get {@code nosniff} (frame and XSS
     * headers are for pages).
     */
    @Bean
    @Order(1)
    SecurityFilterChain registryChain(HttpSecurity http, StowageProperties properties, TokenVerifier verifier,
                                      SignIn signIn, Identities identities, AccessPolicy policy,
                                      RepositoryAccess repositories, AuthMetrics metrics, OutageLog outages)
            throws Exception {
        RegistryAuthenticationFilter authentication = new RegistryAuthenticationFilter(tokenAuth(properties),
                properties.auth().service(), verifier, signIn, identities, policy, repositories, metrics);
        RegistryAccessManager access = new RegistryAccessManager(repositories, metrics);
        stateless(http.securityMatcher("/v2", "/v2/**", "/v1/search"))
                // No page here for a browser to frame or run scripts in: nosniff is the header that matters.
                .headers(headers -> headers.cacheControl(cache -> cache.disable())
                        .frameOptions(frame -> frame.disable())
                        .xssProtection(xss -> xss.disable()))
                .anonymous(AbstractHttpConfigurer::disable)
                .addFilterBefore(new OutageGuard(outages, RegistryRefusals::unavailable), DisableEncodeUrlFilter.class)
                .addFilterBefore(authentication, AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .anyRequest().access(access))
                .exceptionHandling(exceptions -> exceptions
                        .accessDeniedHandler(access.deniedHandler(authentication.refusals())));
        return http.build();
    }

    /**
     * /auth/token and the signing keys: open to all, stateless; the token endpoint checks credentials itself (basic
     * credentials, the OAuth2 password and refresh_token grants) and answers in OAuth2's shape.
     */
    @Bean
    @Order(2)
    SecurityFilterChain tokenChain(HttpSecurity http) throws Exception {
        stateless(http.securityMatcher("/auth/**"))
                .headers(headers -> headers.cacheControl(cache -> cache.disable()))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
        return http.build();
    }

    /**
     * /api/v1/, stateless: bearer tokens and basic credentials ({@link AdminAuthenticationFilter}); only the OpenAPI
     * document is open to all. What each caller may do is for the services to say.
     */
    @Bean
    @Order(3)
    SecurityFilterChain adminChain(HttpSecurity http, StowageProperties properties, TokenVerifier verifier,
                                   Identities identities, SignIn signIn, OutageLog outages) throws Exception {
        stateless(http.securityMatcher("/api/v1", "/api/v1/**"))
                .anonymous(AbstractHttpConfigurer::disable)
                .addFilterBefore(new OutageGuard(outages, AdminAuthenticationFilter::unavailable),
                        DisableEncodeUrlFilter.class)
                .addFilterBefore(new AdminAuthenticationFilter(properties, verifier, identities, signIn),
                        AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers(AdminAuthenticationFilter.DOCUMENT).permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(AdminAuthenticationFilter.entryPoint()));
        return http.build();
    }

    /** The UI's stylesheet and script: no session is looked up for them. */
    @Bean
    @Order(4)
    SecurityFilterChain uiAssetsChain(HttpSecurity http) throws Exception {
        stateless(http.securityMatcher("/ui/static/**"))
                .headers(headers -> headers.cacheControl(cache -> cache.disable()))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
        return http.build();
    }

    /**
     * /ui/: sessions in PostgreSQL ({@link UiSessions}), a new session id and CSRF token at sign-in, the CSRF token
     * required of every POST (sign-in included) from the form or a header, never the query string
     * ({@link UiCsrfTokens}), and headers that keep pages out of frames and other sites' referrers. Pages are open;
     * those for accounts send anonymous visitors to sign in, and the services check every right.
     */
    @Bean
    @Order(5)
    SecurityFilterChain uiChain(HttpSecurity http, StowageProperties properties, UiSessions sessions,
                                Identities identities, OutageLog outages, OidcProviders providers,
                                UiOidcSignIn oidcSignIn) throws Exception {
        if (providers.any() && tokenAuth(properties)) {
            http.oauth2Login(login -> login.loginPage("/ui/login")
                    .clientRegistrationRepository(providers.repository())
                    // Only to finish the sign-in: the provider's tokens are not used afterwards.
                    .authorizedClientRepository(new HttpSessionOAuth2AuthorizedClientRepository())
                    .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(
                            unknownProvidersPassOn(providers.repository())))
                    .redirectionEndpoint(endpoint -> endpoint.baseUri(OidcProviders.REDIRECT_BASE + "/*"))
                    .successHandler(oidcSignIn)
                    .failureHandler(oidcSignIn));
        }
        http.securityMatcher("/ui", "/ui/**")
                .securityContext(context -> context.securityContextRepository(sessions.contextRepository()))
                .sessionManagement(session -> session.sessionFixation(fixation -> fixation.changeSessionId()))
                .csrf(csrf -> csrf.csrfTokenRepository(sessions.csrfTokens())
                        .csrfTokenRequestHandler(new UiCsrfTokens()))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(UI_CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                        .frameOptions(frame -> frame.deny()))
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .addFilterBefore(new OutageGuard(outages, UiVisitorFilter::unavailable), DisableEncodeUrlFilter.class)
                .addFilterAfter(new UiVisitorFilter(tokenAuth(properties), sessions, identities),
                        AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .exceptionHandling(exceptions -> exceptions.accessDeniedHandler(UiVisitorFilter.csrfRefusal()));
        return http.build();
    }

    /** What is open to all: the error page, WebJars, and on the management port, health and metrics. */
    @Bean
    @Order(6)
    SecurityFilterChain openChain(HttpSecurity http) throws Exception {
        stateless(http)
                .headers(headers -> headers.cacheControl(cache -> cache.disable()))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
        return http.build();
    }

    /**
     * Starts a sign-in at {@code /ui/oauth2/authorization/<id>}; a provider that is not configured, or cannot be read
     * now, is passed on to the UI's controllers (404, or 503 with the sign-in page) instead of Spring Security's 500.
     */
    private static OAuth2AuthorizationRequestResolver unknownProvidersPassOn(
            ClientRegistrationRepository registrations) {
        DefaultOAuth2AuthorizationRequestResolver resolver = new DefaultOAuth2AuthorizationRequestResolver(
                registrations, OidcProviders.AUTHORIZATION_BASE);
        return new OAuth2AuthorizationRequestResolver() {
            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request) {
                try {
                    return resolver.resolve(request);
                } catch (IllegalArgumentException e) { // no such registration now
                    return null;
                }
            }

            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request, String registrationId) {
                try {
                    return resolver.resolve(request, registrationId);
                } catch (IllegalArgumentException e) { // no such registration now
                    return null;
                }
            }
        };
    }

    /**
     * No session (and no session management, which would change the id of a session a browser's UI cookie names), no
     * CSRF (no cookie authenticates these requests), no login pages.
     */
    private static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http.sessionManagement(AbstractHttpConfigurer::disable)
                // Nothing here asks the request for its principal or roles: no wrapper for the servlet API's calls.
                .servletApi(AbstractHttpConfigurer::disable)
                // The headers are set before the request goes on, not by a wrapper around every response.
                .headers(headers -> headers.addObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <F extends HeaderWriterFilter> F postProcess(F filter) {
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                }))
                .securityContext(context -> context.securityContextRepository(
                        new RequestAttributeSecurityContextRepository()))
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable);
    }

    private static boolean tokenAuth(StowageProperties properties) {
        return properties.auth().mode() == StowageProperties.AuthMode.TOKEN;
    }
}
