package io.stowage.distribution;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.stowage.auth.AuthMetrics;
import io.stowage.outage.Dependency;
import io.stowage.registry.ErrorCode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * How /v2/ refuses a request before any controller runs, always with the OCI error body: 401 with the Docker token
 * challenge ({@code WWW-Authenticate: Bearer realm=…,service=…,scope=…}) naming what to ask {@code /auth/token} for,
 * 403 {@code DENIED} when the caller is known and the access rules refuse it, or any other status and code.
 */
public final class RegistryRefusals {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String service;
    private final AuthMetrics metrics;

    RegistryRefusals(String service, AuthMetrics metrics) {
        this.service = service;
        this.metrics = metrics;
    }

    /** 401 with the challenge; {@code error} is the RFC 6750 code ({@code invalid_token}, …) or null. */
    void challenge(HttpServletRequest request, HttpServletResponse response, RequiredAccess required, String error,
                   String message) throws IOException {
        StringBuilder challenge = new StringBuilder("Bearer realm=\"").append(realm(request))
                .append("\",service=\"").append(service).append('"');
        if (required.challengeScope() != null) {
            challenge.append(",scope=\"").append(required.challengeScope()).append('"');
        }
        if (error != null) {
            challenge.append(",error=\"").append(error).append('"');
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge.toString());
        write(request, response, 401, ErrorCode.UNAUTHORIZED, message, detail(required));
    }

    void deny(HttpServletRequest request, HttpServletResponse response, RequiredAccess required) throws IOException {
        metrics.failed(AuthMetrics.Failure.DENIED);
        write(request, response, 403, ErrorCode.DENIED, ErrorCode.DENIED.description(), detail(required));
    }

    /** 503 for an outage of the dependency, with {@code Retry-After}. */
    public static void unavailable(HttpServletRequest request, HttpServletResponse response, Dependency dependency)
            throws IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Dependency.RETRY_AFTER.toSeconds()));
        write(request, response, 503, ErrorCode.UNAVAILABLE, dependency.description() + " unavailable, retry later",
                null);
    }

    /** Any refusal in the OCI body (no body for HEAD). */
    public static void write(HttpServletRequest request, HttpServletResponse response, int status, ErrorCode code,
                             String message, Object detail) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader(RegistryHeaders.API_VERSION, "registry/2.0");
        if (!request.getMethod().equals("HEAD")) {
            JSON.writeValue(response.getOutputStream(), OciError.of(code, message, detail));
        }
    }

    /** As distribution reports it: which access was missing. */
    private static Object detail(RequiredAccess required) {
        if (required.authenticationOnly()) {
            return null;
        }
        return required.actions().stream()
                .map(action -> Map.of("Type", required.type(), "Name", required.name(), "Action", action)).toList();
    }

    /** {@code <base>/auth/token}, from the address the client used (behind a proxy, see forward-headers-strategy). */
    private static String realm(HttpServletRequest request) {
        StringBuilder base = new StringBuilder(request.getScheme()).append("://").append(request.getServerName());
        int port = request.getServerPort();
        boolean defaultPort = (port == 80 && request.getScheme().equals("http"))
                || (port == 443 && request.getScheme().equals("https"));
        if (!defaultPort) {
            base.append(':').append(port);
        }
        return base.append(request.getContextPath()).append("/auth/token").toString();
    }
}
