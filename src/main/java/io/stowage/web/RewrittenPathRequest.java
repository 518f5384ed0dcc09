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

    private final String path;

    public RewrittenPathRequest(HttpServletRequest request, String path) {
        super(request);
        this.path = path;
    }

    @Override
    public String getRequestURI() {
        return getContextPath() + path;
    }

    @Override
    public String getServletPath() {
        try {
            return UriUtils.decode(path, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return path; // as sent: the firewall refuses it
        }
    }

    @Override
    public String getPathInfo() {
        return null;
    }

    @Override
    public StringBuffer getRequestURL() {
        return new StringBuffer(getScheme() + "://" + getServerName() + ":" + getServerPort() + getRequestURI());
    }
}
