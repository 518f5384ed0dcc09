package io.stowage.admin;

import java.io.IOException;

import io.stowage.web.RewrittenPathRequest;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Repository names contain slashes, and a path pattern captures several segments only at its end ({@code {*name}}).
 * For the resources of a repository, {@code /api/v1/repositories/<name>/-/<resource>}, this filter writes the
 * name's slashes as {@code %2F}, making it one segment that {@code {name}} captures (decoded) in the middle of a
 * pattern. {@code -} is never a component of a repository name, so the first {@code /-/} ends the name. It runs after
 * the security chains, whose firewall refuses an encoded slash a client sends and must not see this one.
 */
@Component
@Order(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 10)
class RepositoryPathFilter extends OncePerRequestFilter {

    static final String REPOSITORIES = AdminAuthenticationFilter.PREFIX + "/repositories/";
    static final String SEPARATOR = "/-/";

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return nameEnd(path(request)) < 0;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = path(request);
        int end = nameEnd(path);
        String name = path.substring(REPOSITORIES.length(), end);
        String rewritten = REPOSITORIES + name.replace("/", "%2F") + path.substring(end);
        chain.doFilter(new RewrittenPathRequest(request, rewritten), response);
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    /** Where the name of {@code /api/v1/repositories/<name>/-/...} ends; -1 if the path has no slash to encode. */
    private static int nameEnd(String path) {
        if (!path.startsWith(REPOSITORIES)) {
            return -1;
        }
        int end = path.indexOf(SEPARATOR, REPOSITORIES.length());
        boolean nested = end > REPOSITORIES.length() && path.lastIndexOf('/', end - 1) >= REPOSITORIES.length();
        return nested ? end : -1;
    }
}
