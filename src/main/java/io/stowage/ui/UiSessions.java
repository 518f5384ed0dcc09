package io.stowage.ui;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.stowage.accounts.AccountSignedOut;
import io.stowage.accounts.Identity;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.authentication.session.CompositeSessionAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfAuthenticationStrategy;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The web UI's sessions: Spring Session's, kept in PostgreSQL so that every node sees the same ones, holding Spring
 * Security's context (the subject signed in) and the CSRF token of its forms. Signing in changes the session's id
 * (no fixation) and its CSRF token; signing out deletes the session, on every node at once; so does anything that
 * changes what an account signed in with ({@link AccountSignedOut}: a new password or secret, the account disabled
 * or deleted), so that a session never outlives the credentials that opened it, nor a deleted account's name.
 */
@Component
public class UiSessions {

    /** The session cookie's name (path {@code /ui}, HttpOnly, SameSite=Lax). */
    public static final String COOKIE = "stowage_session";
    private static final Logger log = LoggerFactory.getLogger(UiSessions.class);

    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
    private final SecurityContextRepository contextRepository = new HttpSessionSecurityContextRepository();
    private final CsrfTokenRepository csrfTokens = new HttpSessionCsrfTokenRepository();
    private final SessionAuthenticationStrategy onSignIn = new CompositeSessionAuthenticationStrategy(List.of(
            new ChangeSessionIdAuthenticationStrategy(), new CsrfAuthenticationStrategy(csrfTokens)));
    private final JdbcIndexedSessionRepository sessions;
    private final OutageLog outages;

    UiSessions(JdbcIndexedSessionRepository sessions, OutageLog outages) {
        this.sessions = sessions;
        this.outages = outages;
    }

    /**
     * Deletes the sessions that expired, every minute on every node (Spring Session's own schedule is off: it would
     * log a stack trace a minute while PostgreSQL is out, where this reports to the outage log).
     */
    @Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.MINUTES)
    void deleteExpired() {
        try {
            sessions.cleanUpExpiredSessions();
        } catch (RuntimeException e) {
            Dependency.outageOf(e).ifPresentOrElse(outage -> outages.failed(outage, e),
                    () -> log.warn("Deleting expired web UI sessions failed: {}", e.toString()));
        }
    }

    /** Where the UI's security chain keeps the signed-in context: the session. */
    public SecurityContextRepository contextRepository() {
        return contextRepository;
    }

    /** Where the UI's security chain keeps the forms' CSRF token: the session. */
    public CsrfTokenRepository csrfTokens() {
        return csrfTokens;
    }

    /** Signs the identity in for the rest of this session, under a new session id and a new CSRF token. */
    void signIn(Identity identity, HttpServletRequest request, HttpServletResponse response) {
        Authentication authentication = UsernamePasswordAuthenticationToken.authenticated(identity.subject(), null,
                List.of());
        onSignIn.onAuthentication(authentication, request, response);
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(authentication);
        contexts.setContext(context);
        contextRepository.saveContext(context, request, response);
    }

    /** Ends this browser's session, on every node. */
    void signOut(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        contexts.clearContext();
    }

    /** The subject this request's session is signed in as, or null. */
    static String subject(Authentication authentication) {
        return authentication instanceof UsernamePasswordAuthenticationToken signedIn && signedIn.isAuthenticated()
                && signedIn.getPrincipal() instanceof String subject ? subject : null;
    }

    /**
     * Ends every session of the account, on every node: what it signed in with no longer holds. After the change
     * commits (at once when there is no transaction), so that a change rolled back signs nobody out.
     */
    @TransactionalEventListener(fallbackExecution = true)
    public void signedOut(AccountSignedOut event) {
        var found = sessions.findByPrincipalName(event.subject());
        found.keySet().forEach(sessions::deleteById);
        if (!found.isEmpty()) {
            log.info("Ended {} web UI session(s) of {}: {}", found.size(), event.subject(), event.reason());
        }
    }
}
