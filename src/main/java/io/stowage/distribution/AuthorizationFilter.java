package io.stowage.distribution;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.stowage.auth.AccessPolicy;
import io.stowage.auth.AuthMetrics;
import io.stowage.auth.Actions;
import io.stowage.auth.BasicCredentials;
import io.stowage.auth.Caller;
import io.stowage.auth.Identities;
import io.stowage.auth.Identity;
import io.stowage.auth.InvalidTokenException;
import io.stowage.auth.SignIn;
import io.stowage.auth.TokenVerifier;
import io.stowage.auth.VerifiedToken;
import io.stowage.config.StowageProperties;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import io.stowage.registry.ErrorCode;
import io.stowage.registry.RepositoryName;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Guards /v2/ as the Docker token spec describes. A request carries a bearer token from {@code /auth/token} (or basic
 * credentials, which some scripts send straight here) and goes through only if that grants what the request needs;
 * otherwise it gets 401 with a {@code WWW-Authenticate: Bearer} challenge naming the scope to ask for, or 403
 * {@code DENIED} when the caller is known and the access rules refuse it. Anonymous pulls of public repositories need
 * no token. With {@code stowage.auth.mode=none} everything goes through.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class AuthorizationFilter extends OncePerRequestFilter {

    private final JsonMapper json = JsonMapper.builder().build();
    private final boolean enabled;
    private final String service;
    private final TokenVerifier verifier;
    private final SignIn signIn;
    private final Identities identities;
    private final AccessPolicy policy;
    private final AuthMetrics metrics;
    private final OutageLog outages;

    AuthorizationFilter(StowageProperties properties, TokenVerifier verifier, SignIn signIn, Identities identities,
                        AccessPolicy policy, AuthMetrics metrics, OutageLog outages) {
        this.metrics = metrics;
        this.outages = outages;
        this.enabled = properties.auth().mode() == StowageProperties.AuthMode.TOKEN;
        this.service = properties.auth().service();
        this.verifier = verifier;
        this.signIn = signIn;
        this.identities = identities;
        this.policy = policy;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return !path.equals("/v2") && !path.startsWith("/v2/") && !path.equals(RequiredAccess.SEARCH_PATH);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            authorize(request, response, chain);
        } catch (RuntimeException e) {
            // Identities and access rules live in the database: without it, 503 as from the controllers, not 500.
            Optional<Dependency> outage = Dependency.outageOf(e);
            if (outage.isEmpty() || response.isCommitted()) {
                throw e;
            }
            outages.refused(outage.get(), e);
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Dependency.RETRY_AFTER.toSeconds()));
            error(response, request, 503, ErrorCode.UNAVAILABLE, outage.get().description()
                    + " unavailable, retry later", null);
        }
    }

    private void authorize(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = request.getRemoteAddr();
        if (!enabled) {
            request.setAttribute(Caller.ATTRIBUTE, Caller.unrestricted(address));
            chain.doFilter(request, response);
            return;
        }
        String repository = (String) request.getAttribute(RepositoryRouteFilter.NAME);
        if (repository != null && !RepositoryName.isValid(repository)) {
            // Nothing is stored under an invalid name, so saying so reveals nothing.
            error(response, request, 400, ErrorCode.NAME_INVALID, "invalid repository name", null);
            return;
        }
        RequiredAccess required = RequiredAccess.of(request, path(request), repository,
                (String) request.getAttribute(RepositoryRouteFilter.RESOURCE));
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) {
            if (isPublicPull(required) || required.isSearch()) {
                // A search lists what the caller may pull: for anonymous callers, the public repositories.
                pass(request, response, chain, new Caller("", address, () -> policy.readable(Identity.ANONYMOUS)));
            } else {
                challenge(request, response, required, null, "authentication required");
            }
        } else if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            bearer(request, response, chain, required, authorization.substring(7).trim());
        } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            basic(request, response, chain, required, authorization);
        } else {
            challenge(request, response, required, "invalid_request", "unsupported Authorization scheme");
        }
    }

    private void bearer(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                        RequiredAccess required, String token) throws IOException, ServletException {
        VerifiedToken verified;
        try {
            verified = verifier.verify(token);
        } catch (InvalidTokenException e) {
            metrics.failed(AuthMetrics.Failure.INVALID_TOKEN);
            challenge(request, response, required, "invalid_token", e.getMessage());
            return;
        }
        if (verified.external()) {
            // Not one of our accounts, whatever the name: only what the token grants counts.
            if (grants(verified, required)) {
                pass(request, response, chain, new Caller(verified.subject() + "@" + verified.externalIssuer(),
                        request.getRemoteAddr(), () -> policy.readableByAccess(verified.access())));
            } else {
                metrics.failed(AuthMetrics.Failure.INSUFFICIENT_SCOPE);
                challenge(request, response, required, "insufficient_scope", "the token does not grant this access");
            }
            return;
        }
        // A disabled or deleted account's tokens stop working with it (here at once, elsewhere within the identity
        // cache time), not when they expire.
        Optional<Identity> identity = identities.resolve(verified.subject());
        if (identity.isEmpty()) {
            metrics.failed(AuthMetrics.Failure.INVALID_TOKEN);
            challenge(request, response, required, "invalid_token", "the token's account is disabled or gone");
            return;
        }
        Identity caller = identity.get();
        if (grants(verified, required)) {
            pass(request, response, chain, new Caller(verified.subject(), request.getRemoteAddr(),
                    () -> policy.readable(caller)));
        } else if (!caller.anonymous() && !allowedNow(caller, required)) {
            deny(request, response, required);
        } else {
            // A new token would carry the scope (or, for anonymous callers, signing in might): ask for one.
            metrics.failed(AuthMetrics.Failure.INSUFFICIENT_SCOPE);
            challenge(request, response, required, "insufficient_scope", "the token does not grant this access");
        }
    }

    private void basic(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                       RequiredAccess required, String authorization) throws IOException, ServletException {
        Optional<Identity> identity;
        try {
            BasicCredentials credentials = BasicCredentials.parse(authorization);
            identity = signIn.signIn(credentials.username(), credentials.password(), request.getRemoteAddr());
        } catch (BasicCredentials.MalformedException e) {
            challenge(request, response, required, "invalid_request", e.getMessage());
            return;
        } catch (SignIn.TooManyAttemptsException e) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            error(response, request, 429, ErrorCode.TOOMANYREQUESTS, e.getMessage(), null);
            return;
        }
        if (identity.isEmpty()) {
            challenge(request, response, required, "invalid_token", "invalid username or password");
        } else if (allowedNow(identity.get(), required)) {
            Identity caller = identity.get();
            pass(request, response, chain, new Caller(caller.subject(), request.getRemoteAddr(),
                    () -> policy.readable(caller)));
        } else {
            deny(request, response, required);
        }
    }

    private boolean isPublicPull(RequiredAccess required) {
        return "repository".equals(required.type()) && required.actions().equals(List.of(Actions.PULL))
                && policy.isPublic(required.name());
    }

    private static boolean grants(VerifiedToken token, RequiredAccess required) {
        return required.authenticationOnly() || required.actions().stream()
                .allMatch(action -> token.allows(required.type(), required.name(), action));
    }

    /** Whether the access rules, as they stand now, let the identity do what the request needs. */
    private boolean allowedNow(Identity identity, RequiredAccess required) {
        if (required.authenticationOnly() || "registry".equals(required.type())) {
            return true; // the catalog and the search are open to every caller; they list only what they may pull
        }
        return policy.allowedActions(identity, required.name()).containsAll(required.actions());
    }

    private static void pass(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                             Caller caller) throws IOException, ServletException {
        request.setAttribute(Caller.ATTRIBUTE, caller);
        chain.doFilter(request, response);
    }

    private void challenge(HttpServletRequest request, HttpServletResponse response, RequiredAccess required,
                           String error, String message) throws IOException {
        StringBuilder challenge = new StringBuilder("Bearer realm=\"").append(realm(request))
                .append("\",service=\"").append(service).append('"');
        if (required.challengeScope() != null) {
            challenge.append(",scope=\"").append(required.challengeScope()).append('"');
        }
        if (error != null) {
            challenge.append(",error=\"").append(error).append('"');
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge.toString());
        error(response, request, 401, ErrorCode.UNAUTHORIZED, message, detail(required));
    }

    private void deny(HttpServletRequest request, HttpServletResponse response, RequiredAccess required)
            throws IOException {
        metrics.failed(AuthMetrics.Failure.DENIED);
        error(response, request, 403, ErrorCode.DENIED, ErrorCode.DENIED.description(), detail(required));
    }

    private void error(HttpServletResponse response, HttpServletRequest request, int status, ErrorCode code,
                       String message, Object detail) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        if (!request.getMethod().equals("HEAD")) {
            json.writeValue(response.getOutputStream(), OciError.of(code, message, detail));
        }
    }

    /** As distribution reports it: which access was missing. */
    private static Object detail(RequiredAccess required) {
        if (required.authenticationOnly()) {
            return null;
        }
        return required.actions().stream()
                .map(action -> Map.of("Type", required.type(), "Name", required.name(), "Action", action)).toList();
    }

    /** {@code <base>/auth/token}, from the address the client used (behind a proxy, see forward-headers-strategy). */
    private static String realm(HttpServletRequest request) {
        StringBuilder base = new StringBuilder(request.getScheme()).append("://").append(request.getServerName());
        int port = request.getServerPort();
        boolean defaultPort = (port == 80 && request.getScheme().equals("http"))
                || (port == 443 && request.getScheme().equals("https"));
        if (!defaultPort) {
            base.append(':').append(port);
        }
        return base.append(request.getContextPath()).append("/auth/token").toString();
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }
}
