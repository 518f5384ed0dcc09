package io.stowage.distribution;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import io.stowage.accounts.Actions;
import io.stowage.accounts.Identity;
import io.stowage.auth.AccessPolicy;
import io.stowage.auth.AuthMetrics;
import io.stowage.auth.VerifiedToken;
import io.stowage.registry.RepositoryAccess;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Decides whether a /v2/ request may go on, from what it needs ({@link RequiredAccess}) and who sends it
 * ({@link RegistryAuthentication}): anonymous pulls of public repositories and searches need nothing; a token goes as
 * far as it grants; an account signed in with a password as far as the access rules allow now. A refusal is a
 * {@link Refusal}, which {@link #deniedHandler} answers as the token spec wants: 401 with a challenge when a new token
 * (or signing in) might help, 403 {@code DENIED} when the account is known and the rules refuse it.
 */
public final class RegistryAccessManager implements AuthorizationManager<RequestAuthorizationContext> {

    private final RepositoryAccess policy;
    private final AuthMetrics metrics;

    public RegistryAccessManager(RepositoryAccess policy, AuthMetrics metrics) {
        this.policy = policy;
        this.metrics = metrics;
    }

    /** Why a request was refused, and what to answer. */
    enum Outcome {
        /** 401 with a challenge (and {@link Refusal#error()} if any). */
        CHALLENGE,
        /** 403 DENIED. */
        DENY
    }

    /** A refusal, carried by Spring Security from here to {@link #deniedHandler}. */
    static final class Refusal extends AuthorizationDecision {
        private final Outcome outcome;
        private final RequiredAccess required;
        private final String error;
        private final String message;

        Refusal(Outcome outcome, RequiredAccess required, String error, String message) {
            super(false);
            this.outcome = outcome;
            this.required = required;
            this.error = error;
            this.message = message;
        }

        static Refusal challenge(RequiredAccess required, String error, String message) {
            return new Refusal(Outcome.CHALLENGE, required, error, message);
        }

        static Refusal deny(RequiredAccess required) {
            return new Refusal(Outcome.DENY, required, null, null);
        }

        Outcome outcome() {
            return outcome;
        }

        RequiredAccess required() {
            return required;
        }

        String error() {
            return error;
        }

        String message() {
            return message;
        }
    }

    private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);

    /** What the request needs, from the route {@link RepositoryRouteFilter} found. */
    static RequiredAccess required(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return RequiredAccess.of(request, path, (String) request.getAttribute(RepositoryRouteFilter.NAME),
                (String) request.getAttribute(RepositoryRouteFilter.RESOURCE));
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
                                         RequestAuthorizationContext context) {
        if (!(authentication.get() instanceof RegistryAuthentication caller)) {
            return Refusal.challenge(RequiredAccess.AUTHENTICATED, null, "authentication required");
        }
        if (caller.kind() == RegistryAuthentication.Kind.UNRESTRICTED) {
            return GRANTED;
        }
        // The access rules live in the database: an outage propagates to the chain's guard, which answers 503.
        return decide(caller, required(context.getRequest()));
    }

    private AuthorizationResult decide(RegistryAuthentication caller, RequiredAccess required) {
        switch (caller.kind()) {
            case ANONYMOUS -> {
                // A search lists what the caller may pull: for anonymous callers, the public repositories.
                return isPublicPull(required) || required.isSearch() ? GRANTED
                        : Refusal.challenge(required, null, "authentication required");
            }
            case EXTERNAL_TOKEN -> {
                if (grants(caller.token(), required)) {
                    return GRANTED;
                }
                metrics.failed(AuthMetrics.Failure.INSUFFICIENT_SCOPE);
                return Refusal.challenge(required, "insufficient_scope", "the token does not grant this access");
            }
            case TOKEN -> {
                if (grants(caller.token(), required)) {
                    return GRANTED;
                }
                if (!caller.identity().anonymous() && !allowedNow(caller.identity(), required)) {
                    return Refusal.deny(required);
                }
                // A new token would carry the scope (or, for anonymous callers, signing in might): ask for one.
                metrics.failed(AuthMetrics.Failure.INSUFFICIENT_SCOPE);
                return Refusal.challenge(required, "insufficient_scope", "the token does not grant this access");
            }
            case PASSWORD -> {
                return allowedNow(caller.identity(), required) ? GRANTED
                        : Refusal.deny(required);
            }
            default -> {
                return GRANTED;
            }
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

    /** Answers the refusals this manager makes (and any other, as a challenge). */
    public AccessDeniedHandler deniedHandler(RegistryRefusals refusals) {
        return (request, response, denied) -> answer(request, response, denied, refusals);
    }

    private static void answer(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied,
                               RegistryRefusals refusals) throws IOException {
        if (!(denied instanceof AuthorizationDeniedException decided)
                || !(decided.getAuthorizationResult() instanceof Refusal refusal)) {
            refusals.challenge(request, response, required(request), null, "authentication required");
            return;
        }
        switch (refusal.outcome()) {
            case CHALLENGE -> refusals.challenge(request, response, refusal.required(), refusal.error(),
                    refusal.message());
            case DENY -> refusals.deny(request, response, refusal.required());
        }
    }
}
