package io.stowage.ui;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.ExternalSignIn;
import io.stowage.accounts.ExternalSignIn.ExternalAccount;
import io.stowage.accounts.Identity;
import io.stowage.accounts.UserAccount;
import io.stowage.auth.Identities;
import io.stowage.auth.OidcProviders;
import io.stowage.config.StowageProperties.OidcProvider;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.stereotype.Component;

/**
 * The end of a sign-in through an OpenID Connect provider: the provider's account becomes the user it is linked to
 * ({@link ExternalSignIn}, which creates it the first time and takes its groups), and the session is signed in as that
 * user exactly as a password sign-in signs it in (a new session id and CSRF token). A refusal (a name taken, a disabled
 * account, the provider's error) signs nobody in and shows the sign-in page with the reason.
 */
@Component
public class UiOidcSignIn implements AuthenticationSuccessHandler, AuthenticationFailureHandler {

    /** The sign-in page's {@code failed} parameter: why a provider's sign-in did not sign in. */
    enum Failure {
        TAKEN("This account's name belongs to a local user or organization already: ask an administrator."),
        INVALID("The identity provider gave no name usable here for this account: ask an administrator."),
        DISABLED("This account is disabled."),
        PROVIDER("The identity provider did not sign you in, or cannot be reached now: try again later.");

        private final String message;

        Failure(String message) {
            this.message = message;
        }

        String message() {
            return message;
        }

        static String messageOf(String name) {
            for (Failure failure : values()) {
                if (failure.name().equalsIgnoreCase(name)) {
                    return failure.message;
                }
            }
            return null;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(UiOidcSignIn.class);

    private final OidcProviders providers;
    private final ExternalSignIn externalSignIn;
    private final Identities identities;
    private final UiSessions sessions;

    UiOidcSignIn(OidcProviders providers, ExternalSignIn externalSignIn, Identities identities, UiSessions sessions) {
        this.providers = providers;
        this.externalSignIn = externalSignIn;
        this.identities = identities;
        this.sessions = sessions;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
                                        Authentication authentication) throws IOException {
        OAuth2AuthenticationToken token = (OAuth2AuthenticationToken) authentication;
        String id = token.getAuthorizedClientRegistrationId();
        OidcProvider provider = providers.provider(id).orElseThrow();
        OidcUser user = (OidcUser) token.getPrincipal();
        ExternalAccount account = new ExternalAccount(id, user.getIssuer().toString(), user.getSubject(),
                user.getClaimAsString(provider.usernameClaim()), groups(user.getClaims().get(provider.groupsClaim())));
        Identity identity;
        try {
            UserAccount local = externalSignIn.signIn(account, request.getRemoteAddr());
            identity = identities.resolve(local.username()).orElseThrow(() -> ActionRefused.forbidden("disabled"));
        } catch (ActionRefused e) {
            log.info("Sign-in through {} of {} ({}) refused: {}", id, account.subject(), account.username(),
                    e.getMessage());
            failed(request, response, switch (e.code()) {
                case "name_taken" -> Failure.TAKEN;
                case "invalid_request" -> Failure.INVALID;
                default -> Failure.DISABLED;
            });
            return;
        }
        sessions.signIn(identity, request, response);
        response.sendRedirect(request.getContextPath() + UiPaths.HOME);
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                        AuthenticationException exception) throws IOException {
        log.info("Sign-in through an OpenID Connect provider failed: {}", exception.getMessage());
        failed(request, response, Failure.PROVIDER);
    }

    private void failed(HttpServletRequest request, HttpServletResponse response, Failure failure)
            throws IOException {
        sessions.signOut(request);
        response.sendRedirect(request.getContextPath() + UiLoginController.LOGIN + "?failed="
                + failure.name().toLowerCase());
    }

    /** The groups claim as a set of names: a list of strings, or one string. */
    private static Set<String> groups(Object claim) {
        Set<String> groups = new LinkedHashSet<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(value -> {
                if (value instanceof String name && !name.isBlank()) {
                    groups.add(name);
                }
            });
        } else if (claim instanceof String name && !name.isBlank()) {
            groups.add(name);
        }
        return groups;
    }
}
