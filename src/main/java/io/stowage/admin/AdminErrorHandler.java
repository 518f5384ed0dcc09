package io.stowage.admin;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Turns every failure in the admin controllers into the admin API's JSON error: 4xx for bad input (the auth services
 * signal invalid names, patterns and actions with {@link IllegalArgumentException}), 500 only for bugs. Ordered before
 * the /v2/ handler, which would otherwise answer with OCI error bodies.
 */
@RestControllerAdvice(basePackageClasses = AdminErrorHandler.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class AdminErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(AdminErrorHandler.class);
    private static final int MAX_DETAIL = 300;

    @ExceptionHandler(AdminException.class)
    ResponseEntity<AdminError> refused(AdminException e) {
        return respond(e.status(), e.code(), e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<AdminError> invalid(IllegalArgumentException e) {
        return respond(400, "invalid_request", e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<AdminError> unreadable(HttpMessageNotReadableException e) {
        // Jackson says which field and why; its first line is enough and names no internals beyond the field.
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(e);
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return respond(400, "invalid_request", cause.getMessage());
        }
        String detail = cause == e || cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage());
        return respond(400, "invalid_request", "the request body is missing or not the JSON expected" + detail);
    }

    @ExceptionHandler({ServletRequestBindingException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<AdminError> badParameter(Exception e) {
        return respond(400, "invalid_request", e.getMessage());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<AdminError> mediaType(HttpMediaTypeNotSupportedException e) {
        // Bodies are JSON only: also what keeps cross-site HTML forms out (see AdminAuthenticationFilter).
        return respond(415, "unsupported_media_type", "send the request body as application/json");
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<AdminError> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        // The body is JSON all the same (its Content-Type set, so no negotiation): it is what the API speaks.
        return respond(406, "not_acceptable", "this API answers application/json only");
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<AdminError> integrity(DataIntegrityViolationException e) {
        // A concurrent change won (e.g. the account a policy names was deleted meanwhile).
        log.debug("Admin API change conflicted", e);
        return respond(409, "conflict", "the change conflicts with a concurrent one; reload and retry");
    }

    @ExceptionHandler({TransientDataAccessException.class, DataAccessResourceFailureException.class})
    ResponseEntity<AdminError> databaseUnavailable(Exception e) {
        log.warn("Database unavailable: {}", e.toString());
        return respond(503, "unavailable", "metadata database unavailable, retry later");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<AdminError> unexpected(Exception e, HttpServletRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getName().equals("org.apache.tomcat.util.http.InvalidParameterException")) {
                // Tomcat parses the query string lazily and throws when a parameter is first read (e.g. ?n=%zz).
                return respond(400, "invalid_request", "malformed query string");
            }
        }
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(500, "internal_error", "internal error");
    }

    static ResponseEntity<AdminError> respond(int status, String code, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(new AdminError(code, message));
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "…" : line;
    }
}
