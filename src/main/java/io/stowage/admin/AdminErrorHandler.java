package io.stowage.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.stowage.accounts.ActionRefused;
import io.stowage.outage.ClientFailures;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.MethodValidationException;
import org.springframework.validation.method.MethodValidationResult;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every failure in the admin controllers into a problem detail ({@link AdminProblem}): Spring MVC's own
 * exceptions through {@link ResponseEntityExceptionHandler} (405, 406, 415, malformed bodies, type mismatches, ...),
 * Bean Validation's in one mapping to 400 with the fields at fault, the services' refusals ({@link ActionRefused};
 * the auth services signal invalid names, patterns and actions with {@link IllegalArgumentException}), a database that
 * cannot be reached as 503 with {@code Retry-After}, and 500 only for bugs. Ordered before the /v2/ handler, which
 * would otherwise answer with OCI error bodies.
 */
@RestControllerAdvice(basePackageClasses = AdminErrorHandler.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class AdminErrorHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(AdminErrorHandler.class);
    private static final int MAX_DETAIL = 300;

    private final OutageLog outages;

    AdminErrorHandler(OutageLog outages) {
        this.outages = outages;
    }

    @ExceptionHandler(ActionRefused.class)
    ResponseEntity<Object> refused(ActionRefused e, HttpServletRequest request) {
        return respond(AdminProblem.of(e.status(), e.code(), e.getMessage(), request), null);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Object> invalid(IllegalArgumentException e, HttpServletRequest request) {
        return respond(AdminProblem.of(400, "invalid_request", e.getMessage(), request), null);
    }

    /** Bean Validation outside Spring MVC's own (a validated bean's method): the same answer as the others below. */
    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraintViolations(ConstraintViolationException e, HttpServletRequest request) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
            errors.add(new AdminProblem.FieldError(field(violation.getPropertyPath()), violation.getMessage()));
        }
        return invalid(errors, request);
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Object> integrity(DataIntegrityViolationException e, HttpServletRequest request) {
        // A concurrent change won (e.g. the account a policy names was deleted meanwhile).
        log.debug("Admin API change conflicted", e);
        return respond(AdminProblem.of(409, "conflict", "the change conflicts with a concurrent one; reload and retry",
                request), null);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
        if (ClientFailures.isMalformedParameters(e)) {
            return respond(AdminProblem.of(400, "invalid_request", "malformed query string", request), null);
        }
        Optional<Dependency> outage = Dependency.outageOf(e);
        if (outage.isPresent()) {
            outages.refused(outage.get(), e);
            return unavailable(outage.get(), request);
        }
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(AdminProblem.of(500, "internal_error", "internal error", request), null);
    }

    private static ResponseEntity<Object> unavailable(Dependency dependency, HttpServletRequest request) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Dependency.RETRY_AFTER.toSeconds()));
        return respond(AdminProblem.of(503, "unavailable", dependency.description() + " unavailable, retry later",
                request), headers);
    }

    // Bean Validation, whichever way Spring reports it: one answer, 400 with the fields at fault.

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        return invalid(bindingErrors(ex.getBindingResult()), servletRequest(request));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
                                                                            HttpHeaders headers,
                                                                            HttpStatusCode status,
                                                                            WebRequest request) {
        return invalid(validationErrors(ex), servletRequest(request));
    }

    @Override
    protected ResponseEntity<Object> handleMethodValidationException(MethodValidationException ex,
                                                                     HttpHeaders headers, HttpStatus status,
                                                                     WebRequest request) {
        if (ex.isForReturnValue()) {
            // What a controller answered broke its own constraints: ours to fix, not the caller's.
            return unexpected(ex, servletRequest(request));
        }
        return invalid(validationErrors(ex), servletRequest(request));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        Class<?> type = ex.getRequiredType();
        boolean integer = type != null && (type == int.class || type == long.class
                || Integer.class.isAssignableFrom(type) || Long.class.isAssignableFrom(type));
        String field = ex.getPropertyName() == null ? "parameter" : ex.getPropertyName();
        String message = !integer ? "has an invalid value"
                : String.valueOf(ex.getValue()).strip().matches("[+-]?\\d+") ? "is out of range" : "must be an integer";
        return invalid(List.of(new AdminProblem.FieldError(field, message)), servletRequest(request));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        HttpServletRequest servlet = servletRequest(request);
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof AdminBodyLimitFilter.BodyTooLargeException) {
                return respond(AdminProblem.of(413, "content_too_large", t.getMessage(), servlet), null);
            }
        }
        // Jackson says which field and why; its first line is enough and names no internals beyond the field.
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return respond(AdminProblem.of(400, "invalid_request", cause.getMessage(), servlet), null);
        }
        String detail = cause == ex || cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage());
        return respond(AdminProblem.of(400, "invalid_request",
                "the request body is missing or not the JSON expected" + detail, servlet), null);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
                                                                     HttpHeaders headers, HttpStatusCode status,
                                                                     WebRequest request) {
        // Bodies are JSON only: also what keeps cross-site HTML forms out (see AdminAuthenticationFilter).
        return respond(AdminProblem.of(415, "unsupported_media_type", "send the request body as application/json",
                servletRequest(request)), headers);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException ex,
                                                                      HttpHeaders headers, HttpStatusCode status,
                                                                      WebRequest request) {
        // The problem is JSON all the same (its Content-Type set, so no negotiation): it is what the API speaks.
        return respond(AdminProblem.of(406, "not_acceptable", "this API answers application/json only",
                servletRequest(request)), null);
    }

    /** Every other Spring MVC exception: its problem, completed with the code and the path. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(@Nullable Object body, HttpHeaders headers,
                                                          HttpStatusCode statusCode, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail p ? p : ProblemDetail.forStatus(statusCode);
        return respond(AdminProblem.complete(problem, servletRequest(request)), headers);
    }

    private static ResponseEntity<Object> invalid(List<AdminProblem.FieldError> errors, HttpServletRequest request) {
        return respond(AdminProblem.invalid(errors, request), null);
    }

    private static ResponseEntity<Object> respond(ProblemDetail problem, @Nullable HttpHeaders headers) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(problem.getStatus());
        if (headers != null) {
            builder.headers(headers);
        }
        // Set, not negotiated: the problem is the answer whatever the client said it accepts.
        return builder.contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static List<AdminProblem.FieldError> bindingErrors(Errors result) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        for (FieldError error : result.getFieldErrors()) {
            errors.add(new AdminProblem.FieldError(error.getField(), message(error)));
        }
        result.getGlobalErrors().forEach(error -> errors.add(new AdminProblem.FieldError(error.getObjectName(),
                message(error))));
        return errors;
    }

    private static List<AdminProblem.FieldError> validationErrors(MethodValidationResult result) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        for (ParameterValidationResult parameter : result.getParameterValidationResults()) {
            if (parameter instanceof ParameterErrors bean) {
                // A @Valid body: its fields, as the JSON names them.
                errors.addAll(bindingErrors(bean));
            } else {
                String name = parameterName(parameter.getMethodParameter());
                for (MessageSourceResolvable error : parameter.getResolvableErrors()) {
                    errors.add(new AdminProblem.FieldError(name, message(error)));
                }
            }
        }
        return errors;
    }

    /** The name the request gives the parameter: the query parameter's or path variable's, else the Java one. */
    private static String parameterName(MethodParameter parameter) {
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        if (query != null && !(query.name() + query.value()).isEmpty()) {
            return query.name().isEmpty() ? query.value() : query.name();
        }
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        if (path != null && !(path.name() + path.value()).isEmpty()) {
            return path.name().isEmpty() ? path.value() : path.name();
        }
        return parameter.getParameterName() == null ? "parameter" : parameter.getParameterName();
    }

    /**
     * A violation's path as the request names it: without the method, and without the parameter when the violation is
     * in one of its fields ({@code create.robot.permissions[0].<list element>} → {@code permissions[0]}).
     */
    private static String field(Path path) {
        List<Path.Node> nodes = new ArrayList<>();
        path.forEach(nodes::add);
        int start = 0;
        if (!nodes.isEmpty() && (nodes.getFirst().getKind() == ElementKind.METHOD
                || nodes.getFirst().getKind() == ElementKind.CONSTRUCTOR)) {
            start++;
        }
        if (nodes.size() > start + 1 && nodes.get(start).getKind() == ElementKind.PARAMETER) {
            start++;
        }
        StringBuilder field = new StringBuilder();
        for (Path.Node node : nodes.subList(start, nodes.size())) {
            // Bean Validation puts an element's index on the node after its container's.
            if (node.getIndex() != null || node.getKey() != null) {
                field.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
            }
            String name = node.getName();
            if (name != null && !name.isEmpty() && !name.startsWith("<")) {
                field.append(field.isEmpty() ? "" : ".").append(name);
            }
        }
        return field.isEmpty() ? path.toString() : field.toString();
    }

    private static String message(MessageSourceResolvable error) {
        return error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage();
    }

    private static HttpServletRequest servletRequest(WebRequest request) {
        return ((NativeWebRequest) request).getNativeRequest(HttpServletRequest.class);
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "…" : line;
    }
}
