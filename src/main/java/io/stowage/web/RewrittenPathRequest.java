package io.stowage.web;

import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.springframework.web.util.UriUtils;

/**
 * A request whose path a routing filter rewrote, so that Spring MVC's mappings see the new one: the URI, servlet
 * path and URL all follow it (used where repository names, which contain slashes, must be split off a path). As the
 * container's, the URI is as sent (percent-encoded) and the servlet path decoded: Spring Security's firewall refuses a
 * servlet path that still holds a {@code %}, the sign of a path encoded twice.
 */
public final class RewrittenPathRequest extends HttpServletRequestWrapper {

    // Computed once: the firewall and the chains' matchers ask for them dozens of times per request.
    private final String requestUri;
    private final String servletPath;

    public RewrittenPathRequest(HttpServletRequest request, String path) {
        super(request);
        this.requestUri = request.getContextPath() + path;
        this.servletPath = decoded(path);
    }

    private static String decoded(String path) {
        try {
            return UriUtils.decode(path, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return path; // as sent: the firewall refuses it
        }
    }

    @Override
    public String getRequestURI() {
        return requestUri;
    }

    @Override
    public String getServletPath() {
        return servletPath;
    }

    @Override
    public String getPathInfo() {
        return null;
    }

    @Override
    public StringBuffer getRequestURL() {
        return new StringBuffer(getScheme() + "://" + getServerName() + ":" + getServerPort() + requestUri);
    }
}
