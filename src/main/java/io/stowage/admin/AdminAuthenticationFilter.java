package io.stowage.admin;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.stowage.accounts.Actor;
import io.stowage.accounts.Identity;
import io.stowage.auth.BasicCredentials;
import io.stowage.auth.Identities;
import io.stowage.auth.InvalidTokenException;
import io.stowage.auth.SignIn;
import io.stowage.auth.TokenVerifier;
import io.stowage.auth.VerifiedToken;
import io.stowage.config.StowageProperties;
import io.stowage.outage.Dependency;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Establishes who calls /api/v1/, in the admin API's security chain: a bearer token from {@code /auth/token} (any valid
 * token of an account that still exists and is enabled; its scopes do not matter here) or HTTP basic credentials,
 * checked with the same brute-force backoff as the token endpoint. Credentials that do not hold are answered at once;
 * a request without any goes on unauthenticated, for the chain to refuse ({@link #entryPoint}: 401 with a
 * {@code Basic} challenge). What the caller may do is for the services to decide. Bodies that are not JSON, as an HTML
 * form's, are refused (415). Every refusal is a problem detail, as the controllers' are ({@link AdminProblem}); a
 * database that cannot be reached is 503. With {@code stowage.auth.mode=none} every caller is an administrator, as
 * every caller may do anything on /v2/.
 */
public final class AdminAuthenticationFilter extends OncePerRequestFilter {

    static final String PREFIX = "/api/v1";
    static final String CHALLENGE = "Basic realm=\"stowage\"";

    private static final Logger log = LoggerFactory.getLogger(AdminAuthenticationFilter.class);

    private final boolean enabled;
    private final TokenVerifier verifier;
    private final Identities identities;
    private final SignIn signIn;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    public AdminAuthenticationFilter(StowageProperties properties, TokenVerifier verifier, Identities identities,
                                     SignIn signIn) {
        this.enabled = properties.auth().mode() == StowageProperties.AuthMode.TOKEN;
        this.verifier = verifier;
        this.identities = identities;
        this.signIn = signIn;
    }

    /** The OpenAPI document, open to all. */
    public static final String DOCUMENT = AdminApiDocumentation.PATH;

    /** 503 as a problem detail, with {@code Retry-After}, for an outage of the dependency. */
    public static void unavailable(HttpServletRequest request, HttpServletResponse response, Dependency dependency)
            throws IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Dependency.RETRY_AFTER.toSeconds()));
        error(request, response, 503, "unavailable", dependency.description() + " unavailable, retry later");
    }

    /** The answer to a request that reached the chain's authorization without credentials. */
    public static AuthenticationEntryPoint entryPoint() {
        return (request, response, e) -> unauthorized(request, response,
                "authentication required: a bearer token from /auth/token or basic credentials");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith(AdminApiDocumentation.PATH);
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
            signedIn(request, Actor.unrestricted(address));
            chain.doFilter(request, response);
            return;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        Optional<Identity> identity;
        try {
            if (authorization == null || authorization.isBlank()) {
                chain.doFilter(request, response); // the chain's authorization refuses it, through entryPoint()
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
            // Signing in reads accounts, outside Spring MVC: an outage goes to the chain's guard (503), a bug is 500.
            if (Dependency.outageOf(e).isPresent()) {
                throw e;
            }
            log.error("Unexpected failure signing in on {} {}", request.getMethod(), request.getRequestURI(), e);
            error(request, response, 500, "internal_error", "internal error");
            return;
        }
        if (identity.isPresent()) {
            signedIn(request, new Actor(identity.get(), address));
            chain.doFilter(request, response);
        }
    }

    private void signedIn(HttpServletRequest request, Actor caller) {
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new AdminAuthentication(caller));
        contexts.setContext(context);
        request.setAttribute(Actor.ATTRIBUTE, caller);
    }

    /** An admin API caller, for the chain's authorization: anyone who got this far is authenticated. */
    private static final class AdminAuthentication extends AbstractAuthenticationToken {
        private final String name;

        AdminAuthentication(Actor caller) {
            super(List.of());
            this.name = caller.actor();
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return name;
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
        Optional<Identity> identity = identities.resolve(verified.subject(), verified.accessToken());
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
