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
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Establishes who calls /api/v1/: a bearer token from {@code /auth/token} (any valid token of an account that still
 * exists and is enabled; its scopes do not matter here) or HTTP basic credentials, checked with the same brute-force
 * backoff as the token endpoint. Anything else is 401 with a {@code Basic} challenge. What the caller may do is for
 * the services to decide. Bodies an HTML form could send are refused (415). The OpenAPI document is open to all.
 * With {@code stowage.auth.mode=none} every caller is an administrator, as every caller may do anything on /v2/.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class AdminAuthenticationFilter extends OncePerRequestFilter {

    static final String PREFIX = "/api/v1";
    static final String CHALLENGE = "Basic realm=\"stowage\"";

    private final JsonMapper json = JsonMapper.builder().build();
    private final boolean enabled;
    private final TokenVerifier verifier;
    private final Identities identities;
    private final SignIn signIn;

    AdminAuthenticationFilter(StowageProperties properties, TokenVerifier verifier, Identities identities,
                              SignIn signIn) {
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
        if (isFormLike(request)) {
            error(response, 415, "unsupported_media_type", "send the request body as application/json");
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
                unauthorized(response, "authentication required: a bearer token from /auth/token or basic credentials");
                return;
            } else if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                identity = bearer(authorization.substring(7).trim(), response);
            } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                identity = basic(authorization, address, response);
            } else {
                unauthorized(response, "unsupported Authorization scheme: use Bearer or Basic");
                return;
            }
        } catch (TransientDataAccessException | DataAccessResourceFailureException e) {
            error(response, 503, "unavailable", "metadata database unavailable, retry later");
            return;
        }
        if (identity.isPresent()) {
            request.setAttribute(AdminCaller.ATTRIBUTE, new AdminCaller(identity.get(), address));
            chain.doFilter(request, response);
        }
    }

    /**
     * Whether the request could have come from an HTML form on another site, which a browser sends with the basic
     * credentials it remembers for this one. Every admin API body is JSON, which such a form cannot send, so refusing
     * these keeps cross-site requests from changing anything, even {@code POST /api/v1/signing-keys} without a body.
     */
    private static boolean isFormLike(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || request.getMethod().equals("GET") || request.getMethod().equals("HEAD")) {
            return false;
        }
        String lower = type.toLowerCase(Locale.ROOT);
        return lower.startsWith("application/x-www-form-urlencoded") || lower.startsWith("multipart/form-data")
                || lower.startsWith("text/plain");
    }

    /** The token's live identity; empty (with the answer written) when there is none. */
    private Optional<Identity> bearer(String token, HttpServletResponse response) throws IOException {
        VerifiedToken verified;
        try {
            verified = verifier.verify(token);
        } catch (InvalidTokenException e) {
            unauthorized(response, "invalid token: " + e.getMessage());
            return Optional.empty();
        }
        if (verified.subject().isEmpty()) {
            unauthorized(response, "an anonymous token does not sign anybody in");
            return Optional.empty();
        }
        if (verified.external()) {
            // Its subject names an account of another issuer, which may share a name with one of ours (even admin).
            unauthorized(response, "tokens of trusted external issuers carry registry access only, not admin rights");
            return Optional.empty();
        }
        Optional<Identity> identity = identities.resolve(verified.subject());
        if (identity.isEmpty()) {
            unauthorized(response, "the token's account no longer exists or is disabled");
        }
        return identity;
    }

    private Optional<Identity> basic(String authorization, String address, HttpServletResponse response)
            throws IOException {
        Optional<Identity> identity;
        try {
            BasicCredentials credentials = BasicCredentials.parse(authorization);
            identity = signIn.signIn(credentials.username(), credentials.password(), address);
        } catch (BasicCredentials.MalformedException e) {
            unauthorized(response, e.getMessage());
            return Optional.empty();
        } catch (SignIn.TooManyAttemptsException e) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            error(response, 429, "too_many_requests", e.getMessage());
            return Optional.empty();
        }
        if (identity.isEmpty()) {
            unauthorized(response, "invalid username or password");
        }
        return identity;
    }

    private void unauthorized(HttpServletResponse response, String message) throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        error(response, 401, "unauthorized", message);
    }

    private void error(HttpServletResponse response, int status, String code, String message) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), new AdminError(code, message));
    }
}
