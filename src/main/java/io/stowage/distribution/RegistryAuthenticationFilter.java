package io.stowage.distribution;

import java.io.IOException;
import java.util.Optional;

import io.stowage.accounts.Identity;
import io.stowage.auth.AccessPolicy;
import io.stowage.auth.AuthMetrics;
import io.stowage.auth.BasicCredentials;
import io.stowage.auth.Caller;
import io.stowage.auth.Identities;
import io.stowage.auth.InvalidTokenException;
import io.stowage.auth.SignIn;
import io.stowage.auth.TokenVerifier;
import io.stowage.auth.VerifiedToken;
import io.stowage.registry.ErrorCode;
import io.stowage.registry.RepositoryAccess;
import io.stowage.registry.RepositoryName;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Establishes who a /v2/ request comes from, as the Docker token spec has it: a bearer token from {@code /auth/token},
 * basic credentials (which some scripts send straight here), or nobody. Credentials that do not hold are answered at
 * once, 401 with the challenge (429 while the sign-in backoff lasts); what the caller may then do is
 * {@link RegistryAccessManager}'s to decide. The caller goes to the controllers as the {@link Caller} request
 * attribute. With {@code stowage.auth.mode=none} everyone is let through.
 */
public final class RegistryAuthenticationFilter extends OncePerRequestFilter {

    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
    private final boolean enabled;
    private final TokenVerifier verifier;
    private final SignIn signIn;
    private final Identities identities;
    private final AccessPolicy policy;
    private final RepositoryAccess access;
    private final AuthMetrics metrics;
    private final RegistryRefusals refusals;

    public RegistryAuthenticationFilter(boolean enabled, String service, TokenVerifier verifier, SignIn signIn,
                                        Identities identities, AccessPolicy policy, RepositoryAccess access,
                                        AuthMetrics metrics) {
        this.enabled = enabled;
        this.verifier = verifier;
        this.signIn = signIn;
        this.identities = identities;
        this.policy = policy;
        this.access = access;
        this.metrics = metrics;
        this.refusals = new RegistryRefusals(service, metrics);
    }

    /** How this chain refuses, for the access decisions that come after this filter. */
    public RegistryRefusals refusals() {
        return refusals;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // Identities live in the database: an outage propagates to the chain's guard, which answers 503.
        Optional<RegistryAuthentication> authentication = authenticate(request, response);
        if (authentication.isEmpty()) {
            return; // answered
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(authentication.get());
        contexts.setContext(context);
        request.setAttribute(Caller.ATTRIBUTE, authentication.get().caller());
        chain.doFilter(request, response);
    }

    /** The caller, or empty when the request has been answered (bad credentials, an invalid name). */
    private Optional<RegistryAuthentication> authenticate(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String address = request.getRemoteAddr();
        if (!enabled) {
            return Optional.of(RegistryAuthentication.unrestricted(address));
        }
        String repository = (String) request.getAttribute(RepositoryRouteFilter.NAME);
        if (repository != null && !RepositoryName.isValid(repository)) {
            // Nothing is stored under an invalid name, so saying so reveals nothing.
            RegistryRefusals.write(request, response, 400, ErrorCode.NAME_INVALID, "invalid repository name", null);
            return Optional.empty();
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) {
            return Optional.of(RegistryAuthentication.anonymous(
                    new Caller("", address, () -> access.readable(Identity.ANONYMOUS))));
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return bearer(request, response, authorization.substring(7).trim());
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return basic(request, response, authorization);
        }
        refusals.challenge(request, response, RegistryAccessManager.required(request), "invalid_request",
                "unsupported Authorization scheme");
        return Optional.empty();
    }

    private Optional<RegistryAuthentication> bearer(HttpServletRequest request, HttpServletResponse response,
                                                    String token) throws IOException {
        VerifiedToken verified;
        try {
            verified = verifier.verify(token);
        } catch (InvalidTokenException e) {
            metrics.failed(AuthMetrics.Failure.INVALID_TOKEN);
            refusals.challenge(request, response, RegistryAccessManager.required(request), "invalid_token",
                    e.getMessage());
            return Optional.empty();
        }
        String address = request.getRemoteAddr();
        if (verified.external()) {
            // Not one of our accounts, whatever the name: only what the token grants counts.
            return Optional.of(RegistryAuthentication.externalToken(verified, new Caller(
                    verified.subject() + "@" + verified.externalIssuer(), address,
                    () -> policy.readableByAccess(verified.access()))));
        }
        // A disabled or deleted account's tokens stop working with it (here at once, elsewhere within the identity
        // cache time), not when they expire.
        Optional<Identity> identity = identities.resolve(verified.subject(), verified.accessToken());
        if (identity.isEmpty()) {
            metrics.failed(AuthMetrics.Failure.INVALID_TOKEN);
            refusals.challenge(request, response, RegistryAccessManager.required(request), "invalid_token",
                    "the token's account is disabled or gone");
            return Optional.empty();
        }
        Identity caller = identity.get();
        return Optional.of(RegistryAuthentication.token(caller, verified,
                new Caller(verified.subject(), address, () -> access.readable(caller))));
    }

    private Optional<RegistryAuthentication> basic(HttpServletRequest request, HttpServletResponse response,
                                                   String authorization) throws IOException {
        Optional<Identity> identity;
        try {
            BasicCredentials credentials = BasicCredentials.parse(authorization);
            identity = signIn.signIn(credentials.username(), credentials.password(), request.getRemoteAddr());
        } catch (BasicCredentials.MalformedException e) {
            refusals.challenge(request, response, RegistryAccessManager.required(request), "invalid_request",
                    e.getMessage());
            return Optional.empty();
        } catch (SignIn.TooManyAttemptsException e) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            RegistryRefusals.write(request, response, 429, ErrorCode.TOOMANYREQUESTS, e.getMessage(), null);
            return Optional.empty();
        }
        if (identity.isEmpty()) {
            refusals.challenge(request, response, RegistryAccessManager.required(request), "invalid_token",
                    "invalid username or password");
            return Optional.empty();
        }
        Identity caller = identity.get();
        return Optional.of(RegistryAuthentication.password(caller,
                new Caller(caller.subject(), request.getRemoteAddr(), () -> access.readable(caller))));
    }
}
