package io.stowage.distribution;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stowage.proxy.Upstreams;
import io.stowage.web.RewrittenPathRequest;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Repository names contain slashes ({@code /v2/team/app/manifests/1.0}), which URL patterns cannot
 * capture. This filter splits the name off the path, hands it to the controllers as a request attribute
 * and routes the rest to {@code /v2/_repository_/<resource>}. It also stamps the API version header.
 */
@Component
// Right after the request log, which records the path as the client sent it.
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class RepositoryRouteFilter extends OncePerRequestFilter {

    /** The request attribute holding the repository name. */
    public static final String NAME = "io.stowage.repository";
    /** The request attribute holding the resource after the name, e.g. {@code manifests/1.0} or {@code blobs/uploads/}. */
    public static final String RESOURCE = "io.stowage.resource";
    /** The internal path prefix the controllers map; not a valid repository name. */
    public static final String PREFIX = "/v2/_repository_";

    private final Upstreams upstreams;

    public RepositoryRouteFilter(Upstreams upstreams) {
        this.upstreams = upstreams;
    }

    // Greedy name: the resource is the last matching suffix, so names may contain "blobs" or "manifests".
    private static final Pattern ROUTE = Pattern.compile(
            "^/v2/(.+)/(blobs/uploads(?:/[^/]*)?|blobs/[^/]+|manifests/[^/]+|tags/list|referrers/[^/]+)$");

    /**
     * The methods the {@code /v2/} endpoint at a path (as the client sent it) answers, as Spring lists them in
     * {@code Allow}; empty where there is no endpoint. For requests that never reach Spring (Tomcat answers
     * {@code CONNECT} itself).
     */
    static List<String> allowedMethods(String path) {
        if (path.equals("/v2") || path.equals("/v2/") || path.equals("/v2/_catalog")) {
            return List.of("GET");
        }
        Matcher route = ROUTE.matcher(path);
        if (!route.matches()) {
            return List.of();
        }
        String resource = route.group(2);
        if (resource.equals("blobs/uploads") || resource.equals("blobs/uploads/")) {
            return List.of("POST");
        } else if (resource.startsWith("blobs/uploads/")) {
            return List.of("GET", "PATCH", "PUT", "DELETE");
        } else if (resource.startsWith("blobs/")) {
            return List.of("GET", "HEAD", "DELETE");
        } else if (resource.startsWith("manifests/")) {
            return List.of("GET", "HEAD", "PUT", "DELETE");
        }
        return List.of("GET"); // tags/list, referrers/<digest>
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith("/v2")) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader(RegistryHeaders.API_VERSION, "registry/2.0");
        Matcher route = ROUTE.matcher(path);
        if (!route.matches()) {
            chain.doFilter(request, response);
            return;
        }
        // A mirror's request names an upstream's repository without its namespace: on a mirror host name, every
        // repository is the upstream's (no local one can shadow it), and so is one containerd asks for with ?ns=.
        String name = upstreams.mirrorNamespace(request.getServerName(), nsParameter(request))
                .map(namespace -> namespace + "/" + route.group(1)).orElse(route.group(1));
        request.setAttribute(NAME, name);
        request.setAttribute(RESOURCE, route.group(2));
        chain.doFilter(new RewrittenPathRequest(request, PREFIX + "/" + route.group(2)), response);
    }

    /** containerd's {@code ns} query parameter, read from the raw query (the body of a PUT is never parsed). */
    private static String nsParameter(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null || !query.contains("ns=")) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("ns=")) {
                try {
                    return java.net.URLDecoder.decode(pair.substring(3), java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    return null; // no registry host either way
                }
            }
        }
        return null;
    }
}
