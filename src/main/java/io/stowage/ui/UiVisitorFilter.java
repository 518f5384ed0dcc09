package io.stowage.ui;

import java.io.IOException;
import java.util.Optional;

import io.stowage.accounts.Identity;
import io.stowage.auth.Identities;
import io.stowage.outage.Dependency;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Establishes who visits /ui/, in the UI's security chain, after Spring Security has loaded the session's context
 * and checked the CSRF token of a POST: the account the session is signed in as (resolved again on every request, so
 * a disabled or deleted account is out at once and its session ends), else an anonymous visitor; everybody, with every
 * right, when auth is off. The {@link UiVisitor} goes to the controllers as a request attribute.
 */
public final class UiVisitorFilter extends OncePerRequestFilter {

    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
    private final boolean enabled;
    private final UiSessions sessions;
    private final Identities identities;

    public UiVisitorFilter(boolean enabled, UiSessions sessions, Identities identities) {
        this.enabled = enabled;
        this.sessions = sessions;
        this.identities = identities;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = request.getRemoteAddr();
        // Accounts live in the database: an outage propagates to the chain's guard, which answers with a 503 page.
        UiVisitor visitor = enabled ? visitor(request, address) : UiVisitor.unrestricted(address);
        request.setAttribute(UiVisitor.ATTRIBUTE, visitor);
        chain.doFilter(request, response);
    }

    private UiVisitor visitor(HttpServletRequest request, String address) {
        String subject = UiSessions.subject(contexts.getContext().getAuthentication());
        if (subject != null) {
            Optional<Identity> identity = identities.resolve(subject);
            if (identity.isPresent()) {
                return new UiVisitor(identity.get(), address, true, true);
            }
            sessions.signOut(request); // the account is gone or disabled: an anonymous visitor again
        }
        return new UiVisitor(Identity.ANONYMOUS, address, false, true);
    }

    /** A form posted without its session's CSRF token (or with one in the query string): 403, with a way back. */
    public static AccessDeniedHandler csrfRefusal() {
        return (request, response, denied) -> {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType(MediaType.TEXT_PLAIN_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write("Forbidden: the form's security token is missing or stale. "
                    + "Go back, reload the page and try again.\n");
        };
    }

    /** 503 as a page of its own: the error template needs a visitor, which is what could not be had. */
    public static void unavailable(HttpServletRequest request, HttpServletResponse response, Dependency dependency)
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
}
