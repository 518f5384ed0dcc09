package io.stowage.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.stowage.auth.Identities;
import io.stowage.auth.Identity;
import io.stowage.config.StowageProperties;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Establishes who visits /ui/: the account of a valid session cookie (resolved again each time, so a disabled account
 * is signed out at once, as is a session signed out of), else an anonymous visitor, who gets a session of their own
 * for its CSRF token; everybody, with every right, when auth is off. Every POST, the sign-in included, must carry the
 * session's CSRF token in the {@code _csrf} field, else 403. Pages are not stored by caches: they hold CSRF tokens, and once a robot's secret.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class UiVisitorFilter extends OncePerRequestFilter {

    static final String PREFIX = "/ui";
    static final String CSRF_FIELD = "_csrf";
    /** The request attribute holding the visitor's {@link UiSessions.Session}, which signing out revokes. */
    static final String SESSION_ATTRIBUTE = "io.stowage.ui.session";

    private final boolean enabled;
    private final UiSessions sessions;
    private final Identities identities;
    private final OutageLog outages;

    UiVisitorFilter(StowageProperties properties, UiSessions sessions, Identities identities, OutageLog outages) {
        this.enabled = properties.auth().mode() == StowageProperties.AuthMode.TOKEN;
        this.sessions = sessions;
        this.identities = identities;
        this.outages = outages;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return !(path.equals(PREFIX) || path.startsWith(PREFIX + "/")) || path.startsWith(PREFIX + "/static/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = request.getRemoteAddr();
        UiSessions.Session session;
        Identity identity;
        try {
            session = session(request).filter(s -> !sessions.revoked(s)).orElse(null);
            identity = Identity.ANONYMOUS;
            if (session != null && enabled && !session.subject().isEmpty()) {
                Optional<Identity> resolved = identities.resolve(session.subject());
                if (resolved.isPresent()) {
                    identity = resolved.get();
                } else {
                    session = null; // the account is gone or disabled: an anonymous visitor again
                }
            }
            if (session == null) {
                UiSessions.Issued issued = sessions.issue("");
                session = issued.session();
                response.addHeader(HttpHeaders.SET_COOKIE,
                        UiSessions.cookie(issued.value(), UiSessions.LIFETIME, request.isSecure()).toString());
            }
        } catch (RuntimeException e) {
            // Sessions and accounts live in the database: without it, no visitor can be told apart, so no page.
            Optional<Dependency> outage = Dependency.outageOf(e);
            if (outage.isEmpty()) {
                throw e;
            }
            outages.refused(outage.get(), e);
            unavailable(request, response, outage.get());
            return;
        }
        UiVisitor visitor = !enabled ? UiVisitor.unrestricted(address, session.csrf())
                : new UiVisitor(identity, session.csrf(), address, !identity.anonymous(), true);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        // The sign-in form too: else another site could sign a visitor in to an account of its choosing.
        if (request.getMethod().equals("POST") && !csrfMatches(visitor, request.getParameter(CSRF_FIELD))) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType(MediaType.TEXT_PLAIN_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write("Forbidden: the form's security token is missing or stale. "
                    + "Go back, reload the page and try again.\n");
            return;
        }
        request.setAttribute(SESSION_ATTRIBUTE, session);
        request.setAttribute(UiVisitor.ATTRIBUTE, visitor);
        chain.doFilter(request, response);
    }

    /** A page of its own: the error template needs a visitor, which is what could not be had. */
    private static void unavailable(HttpServletRequest request, HttpServletResponse response, Dependency dependency)
            throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Dependency.RETRY_AFTER.toSeconds()));
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setContentType(MediaType.TEXT_HTML_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Unavailable · Stowage</title>
                <link rel="stylesheet" href="%s/ui/static/stowage.css"></head>
                <body><main id="main" class="narrow"><h1>503</h1>
                <p>Stowage cannot reach its %s just now. Try again in a moment.</p></main></body></html>
                """.formatted(request.getContextPath(), dependency.description()));
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    private Optional<UiSessions.Session> session(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(UiSessions.COOKIE)) {
                return sessions.read(cookie.getValue());
            }
        }
        return Optional.empty();
    }

    private static boolean csrfMatches(UiVisitor visitor, String sent) {
        return sent != null && !visitor.csrf().isEmpty() && MessageDigest.isEqual(visitor.csrf().getBytes(StandardCharsets.UTF_8),
                sent.getBytes(StandardCharsets.UTF_8));
    }
}
