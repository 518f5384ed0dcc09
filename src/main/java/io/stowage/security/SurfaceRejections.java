package io.stowage.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.stowage.admin.AdminProblem;
import io.stowage.distribution.RegistryRefusals;
import io.stowage.registry.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * The answer to a request Spring Security's firewall refuses before any chain sees it: a path with {@code ;} path
 * parameters, an encoded separator ({@code %2F}, {@code %5C}, {@code %2E}, {@code %25}), {@code //}, or control
 * characters. Such a path reaches nothing the same way twice (servlet matching and Spring MVC read it differently),
 * so it is 400, in the format of the surface it aimed at: the OCI error body on /v2/, a problem detail on /api/v1/.
 */
final class SurfaceRejections implements RequestRejectedHandler {

    private static final Logger log = LoggerFactory.getLogger(SurfaceRejections.class);
    private static final String MESSAGE = "request rejected: path parameters (;), encoded separators and control"
            + " characters are not allowed in the path";

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected)
            throws IOException {
        log.debug("Rejected {} {}: {}", request.getMethod(), request.getRequestURI(), rejected.getMessage());
        if (response.isCommitted()) {
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/v2") || path.startsWith("/v1/")) {
            RegistryRefusals.write(request, response, 400, ErrorCode.UNSUPPORTED, MESSAGE, null);
        } else if (path.startsWith("/api/v1")) {
            AdminProblem.write(response, AdminProblem.of(400, "invalid_request", MESSAGE, request));
        } else {
            response.setStatus(400);
            response.setContentType(MediaType.TEXT_PLAIN_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write("Bad request: " + MESSAGE + ".\n");
        }
    }
}
