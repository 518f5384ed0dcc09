package io.stowage.admin;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import tools.jackson.databind.json.JsonMapper;

/**
 * The body of every admin API error: an RFC 9457 problem detail ({@code type} about:blank, {@code title} the status's
 * reason phrase, {@code status}, {@code detail} for people, {@code instance} the request's path) with the stable
 * machine-readable code clients switch on as the extension {@code error}, and, for invalid input, {@code errors}: the
 * fields at fault with what is wrong with each.
 */
public final class AdminProblem {

    /** The extension member holding the stable code ({@code invalid_request}, {@code not_found}, ...). */
    static final String CODE = "error";
    /** The extension member listing the invalid fields, as {@link FieldError}s. */
    static final String ERRORS = "errors";

    /** No type of our own: {@link #CODE} tells problems apart, and the title is the status's reason phrase. */
    private static final URI BLANK = URI.create("about:blank");

    /** The codes of statuses answered without a more specific one. */
    private static final Map<Integer, String> CODES = Map.ofEntries(
            Map.entry(400, "invalid_request"),
            Map.entry(401, "unauthorized"),
            Map.entry(403, "forbidden"),
            Map.entry(404, "not_found"),
            Map.entry(405, "method_not_allowed"),
            Map.entry(406, "not_acceptable"),
            Map.entry(409, "conflict"),
            Map.entry(413, "content_too_large"),
            Map.entry(415, "unsupported_media_type"),
            Map.entry(429, "too_many_requests"),
            Map.entry(500, "internal_error"),
            Map.entry(503, "unavailable"));

    /** As Spring MVC's converters write problems: the extension members at the top level, beside the standard ones. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class).build();

    private AdminProblem() {
    }

    /** One invalid field or parameter: its name as the request spelt it ({@code n}, {@code permissions[0]}). */
    record FieldError(String field, String message) {
    }

    public static ProblemDetail of(int status, String code, String detail, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), detail);
        problem.setProperty(CODE, code);
        complete(problem, request);
        return problem;
    }

    /** A 400 naming the fields at fault. */
    static ProblemDetail invalid(List<FieldError> errors, HttpServletRequest request) {
        StringBuilder detail = new StringBuilder("invalid request: ");
        for (int i = 0; i < errors.size(); i++) {
            detail.append(i == 0 ? "" : "; ").append(errors.get(i).field()).append(' ').append(errors.get(i).message());
        }
        ProblemDetail problem = of(400, CODES.get(400), detail.toString(), request);
        problem.setProperty(ERRORS, errors);
        return problem;
    }

    /** Adds what a problem made elsewhere (by Spring MVC) lacks: the code of its status, and the request's path. */
    static ProblemDetail complete(ProblemDetail problem, HttpServletRequest request) {
        if (problem.getProperties() == null || !problem.getProperties().containsKey(CODE)) {
            problem.setProperty(CODE, codeOf(problem.getStatus()));
        }
        if (problem.getType() == null) {
            // What an absent type means anyway; written out for clients that look for the member.
            problem.setType(BLANK);
        }
        // The path as the client sent it, not as a routing filter rewrote it (RepositoryPathFilter's %2F).
        ServletRequest original = request;
        while (original instanceof ServletRequestWrapper wrapper) {
            original = wrapper.getRequest();
        }
        String path = original instanceof HttpServletRequest http ? http.getRequestURI() : request.getRequestURI();
        if (problem.getInstance() == null && path != null) {
            try {
                problem.setInstance(URI.create(path));
            } catch (IllegalArgumentException e) {
                // A path Tomcat let through but java.net.URI refuses: the problem is whole without it.
            }
        }
        return problem;
    }

    static String codeOf(int status) {
        String code = CODES.get(status);
        if (code != null) {
            return code;
        }
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "http_" + status : known.name().toLowerCase(Locale.ROOT);
    }

    /** Writes the problem as the answer, for the filters that run before Spring MVC's message converters. */
    public static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JSON.writeValue(response.getOutputStream(), problem);
    }
}
