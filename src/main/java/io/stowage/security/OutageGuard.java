package io.stowage.security;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first filter of a surface's security chain: a failure of PostgreSQL or the blob storage in the chain itself
 * (sessions, accounts and access rules are read there) is answered 503 in the surface's own format, as the
 * controllers answer one, never 500. Anything else propagates.
 */
final class OutageGuard extends OncePerRequestFilter {

    /** How the surface answers an outage. */
    @FunctionalInterface
    interface Answer {
        void unavailable(HttpServletRequest request, HttpServletResponse response, Dependency dependency)
                throws IOException;
    }

    private final OutageLog outages;
    private final Answer answer;

    OutageGuard(OutageLog outages, Answer answer) {
        this.outages = outages;
        this.answer = answer;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | ServletException e) {
            Optional<Dependency> outage = Dependency.outageOf(e);
            if (outage.isEmpty() || response.isCommitted()) {
                throw e;
            }
            outages.refused(outage.get(), e);
            response.reset();
            answer.unavailable(request, response, outage.get());
        }
    }
}
