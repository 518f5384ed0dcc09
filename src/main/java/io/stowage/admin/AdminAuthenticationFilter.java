package io.stowage.admin;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.stowage.auth.BasicCredentials;
import io.stowage.auth.Identities;
import io.stowage.auth.Identity;
import io.stowage.auth.InvalidTokenException;
import io.stowage.auth.SignIn;
import io.stowage.auth.TokenVerifier;
import io.stowage.auth.VerifiedToken;
import io.stowage.config.StowageProperties;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Establishes who calls /api/v1/: a bearer token from {@code /auth/token} (any valid token of an account that still
 * exists and is enabled; its scopes do not matter here) or HTTP basic credentials, checked with the same brute-force
 * backoff as the token endpoint. Anything else is 401 with a {@code Basic} challenge. What the caller may do is for
 * the services to decide. Bodies that are not JSON, as an HTML form's, are refused (415). Every refusal is a problem
 * detail, as the controllers' are ({@link AdminProblem}); a database that cannot be reached is 503. The OpenAPI
 * document is open to all.
 * With {@code stowage.auth.mode=none} every caller is an administrator, as every caller may do anything on /v2/.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class AdminAuthenticationFilter extends OncePerRequestFilter {

    static final String PREFIX = "/api/v1";
    static final String CHALLENGE = "Basic realm=\"stowage\"";

    private static final Logger log = LoggerFactory.getLogger(AdminAuthenticationFilter.class);

    private final boolean enabled;
    private final TokenVerifier verifier;
    private final Identities identities;
    private final SignIn signIn;
    private final OutageLog outages;

    AdminAuthenticationFilter(StowageProperties properties, TokenVerifier verifier, Identities identities,
                              SignIn signIn, OutageLog outages) {
        this.outages = outages;
        this.enabled = properties.auth().mode() == StowageProperties.AuthMode.TOKEN;
        this.verifier = verifier;
        this.identities = identities;
        this.signIn = signIn;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals(PREFIX) || path.startsWith(PREFIX + "/"))
                || path.startsWith(AdminApiDocumentation.PATH);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isNotJson(request)) {
            error(request, response, 415, "unsupported_media_type", "send the request body as application/json");
            return;
        }
        String address = request.getRemoteAddr();
        if (!enabled) {
            request.setAttribute(AdminCaller.ATTRIBUTE, AdminCaller.unrestricted(address));
            chain.doFilter(request, response);
            return;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        Optional<Identity> identity;
        try {
            if (authorization == null || authorization.isBlank()) {
                unauthorized(request, response,
                        "authentication required: a bearer token from /auth/token or basic credentials");
                return;
            } else if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                identity = bearer(authorization.substring(7).trim(), request, response);
            } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                identity = basic(authorization, address, request, response);
            } else {
                unauthorized(request, response, "unsupported Authorization scheme: use Bearer or Basic");
                return;
            }
        } catch (RuntimeException e) {
            // Signing in reads accounts and records failures, outside Spring MVC: answered here as its handler would.
            Optional<Dependency> outage = Dependency.outageOf(e);
            if (outage.isPresent()) {
                outages.refused(outage.get(), e);
                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Dependency.RETRY_AFTER.toSeconds()));
                error(request, response, 503, "unavailable", outage.get().description() + " unavailable, retry later");
            } else {
                log.error("Unexpected failure signing in on {} {}", request.getMethod(), request.getRequestURI(), e);
                error(request, response, 500, "internal_error", "internal error");
            }
            return;
        }
        if (identity.isPresent()) {
            request.setAttribute(AdminCaller.ATTRIBUTE, new AdminCaller(identity.get(), address));
            chain.doFilter(request, response);
        }
    }

    /**
     * Whether the request carries a body that is not JSON. Every admin API body is JSON, so nothing else is read
     * (415). Among what this keeps out are the bodies an HTML form on another site can send, with the basic
     * credentials a browser remembers for this one: so cross-site requests change nothing, even
     * {@code POST /api/v1/signing-keys} without a body.
     */
    private static boolean isNotJson(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || request.getMethod().equals("GET") || request.getMethod().equals("HEAD")) {
            return false;
        }
        try {
            MediaType media = MediaType.parseMediaType(type);
            return !("application".equals(media.getType())
                    && ("json".equals(media.getSubtype()) || media.getSubtype().endsWith("+json")));
        } catch (InvalidMediaTypeException e) {
            return true;
        }
    }

    /** The token's live identity; empty (with the answer written) when there is none. */
    private Optional<Identity> bearer(String token, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        VerifiedToken verified;
        try {
            verified = verifier.verify(token);
        } catch (InvalidTokenException e) {
            unauthorized(request, response, "invalid token: " + e.getMessage());
            return Optional.empty();
        }
        if (verified.subject().isEmpty()) {
            unauthorized(request, response, "an anonymous token does not sign anybody in");
            return Optional.empty();
        }
        if (verified.external()) {
            // Its subject names an account of another issuer, which may share a name with one of ours (even admin).
            unauthorized(request, response,
                    "tokens of trusted external issuers carry registry access only, not admin rights");
            return Optional.empty();
        }
        Optional<Identity> identity = identities.resolve(verified.subject());
        if (identity.isEmpty()) {
            unauthorized(request, response, "the token's account no longer exists or is disabled");
        }
        return identity;
    }

    private Optional<Identity> basic(String authorization, String address, HttpServletRequest request,
                                     HttpServletResponse response) throws IOException {
        Optional<Identity> identity;
        try {
            BasicCredentials credentials = BasicCredentials.parse(authorization);
            identity = signIn.signIn(credentials.username(), credentials.password(), address);
        } catch (BasicCredentials.MalformedException e) {
            unauthorized(request, response, e.getMessage());
            return Optional.empty();
        } catch (SignIn.TooManyAttemptsException e) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            error(request, response, 429, "too_many_requests", e.getMessage());
            return Optional.empty();
        }
        if (identity.isEmpty()) {
            unauthorized(request, response, "invalid username or password");
        }
        return identity;
    }

    private static void unauthorized(HttpServletRequest request, HttpServletResponse response, String message)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        error(request, response, 401, "unauthorized", message);
    }

    private static void error(HttpServletRequest request, HttpServletResponse response, int status, String code,
                              String message) throws IOException {
        AdminProblem.write(response, AdminProblem.of(status, code, message, request));
    }
}
