package io.stowage.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request whose path a routing filter rewrote, so that Spring MVC's mappings see the new one: the URI, servlet
 * path and URL all follow it (used where repository names, which contain slashes, must be split off a path).
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
        return path;
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
