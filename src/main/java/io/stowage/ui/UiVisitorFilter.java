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
import io.stowage.config.StowageProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Establishes who visits /ui/: the account of a valid session cookie (resolved again each time, so a disabled account
 * is signed out at once), else an anonymous visitor; everybody, with every right, when auth is off. Every POST but
 * the sign-in itself must carry the session's CSRF token in the {@code _csrf} field, else 403.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class UiVisitorFilter extends OncePerRequestFilter {

    static final String PREFIX = "/ui";
    static final String CSRF_FIELD = "_csrf";

    private final boolean enabled;
    private final UiSessions sessions;
    private final Identities identities;

    UiVisitorFilter(StowageProperties properties, UiSessions sessions, Identities identities) {
        this.enabled = properties.auth().mode() == StowageProperties.AuthMode.TOKEN;
        this.sessions = sessions;
        this.identities = identities;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals(PREFIX) || path.startsWith(PREFIX + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = request.getRemoteAddr();
        UiVisitor visitor;
        if (!enabled) {
            visitor = UiVisitor.unrestricted(address);
        } else {
            visitor = session(request)
                    .flatMap(s -> identities.resolve(s.subject())
                            .map(identity -> new UiVisitor(identity, s.csrf(), address, true, true)))
                    .orElseGet(() -> UiVisitor.anonymous(address));
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (enabled && request.getMethod().equals("POST") && !path.equals(UiLoginController.LOGIN)
                && !csrfMatches(visitor, request.getParameter(CSRF_FIELD))) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType(MediaType.TEXT_PLAIN_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write("Forbidden: the form's security token is missing or stale. "
                    + "Go back, reload the page and try again.\n");
            return;
        }
        request.setAttribute(UiVisitor.ATTRIBUTE, visitor);
        chain.doFilter(request, response);
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
        if (visitor.csrf().isEmpty() || sent == null) {
            return false;
        }
        return MessageDigest.isEqual(visitor.csrf().getBytes(StandardCharsets.UTF_8),
                sent.getBytes(StandardCharsets.UTF_8));
    }

}
