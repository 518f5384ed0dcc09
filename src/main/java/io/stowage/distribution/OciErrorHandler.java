package io.stowage.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import io.stowage.registry.ErrorCode;
import io.stowage.registry.RegistryException;
import io.stowage.registry.UploadRangeException;
import io.stowage.outage.ClientFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Turns every failure into the OCI error body with the right status: 4xx for bad input, never a bare 500. */
@RestControllerAdvice
class OciErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(OciErrorHandler.class);

    private final OutageLog outages;

    OciErrorHandler(OutageLog outages) {
        this.outages = outages;
    }

    @ExceptionHandler(UploadRangeException.class)
    ResponseEntity<OciError> uploadRange(UploadRangeException e, HttpServletRequest request) {
        String repository = (String) request.getAttribute(RepositoryRouteFilter.NAME);
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.LOCATION, Locations.upload(repository, e.uploadId()));
        headers.set(HttpHeaders.RANGE, Locations.uploadRange(e.received()));
        headers.set(RegistryHeaders.UPLOAD_UUID, e.uploadId().toString());
        return respond(e.status(), e.code(), e.getMessage(), e.detail(), headers);
    }

    @ExceptionHandler(RegistryException.class)
    ResponseEntity<OciError> registry(RegistryException e) {
        return respond(e.status(), e.code(), e.getMessage(), e.detail(), null);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<OciError> method(HttpRequestMethodNotSupportedException e) {
        HttpHeaders headers = new HttpHeaders();
        if (e.getSupportedHttpMethods() != null) {
            headers.setAllow(e.getSupportedHttpMethods());
        }
        return respond(405, ErrorCode.UNSUPPORTED, "method " + e.getMethod() + " is not supported here", null, headers);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<OciError> noEndpoint(NoResourceFoundException e) {
        return respond(404, ErrorCode.UNSUPPORTED, "no such endpoint: /" + e.getResourcePath(), null, null);
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MissingRequestHeaderException.class,
            MethodArgumentTypeMismatchException.class})
    ResponseEntity<OciError> badParameter(Exception e) {
        return respond(400, ErrorCode.UNSUPPORTED, e.getMessage(), null, null);
    }

    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<OciError> database(Exception e, HttpServletRequest request) {
        Optional<Dependency> outage = Dependency.outageOf(e);
        if (outage.isPresent()) {
            return unavailable(outage.get(), e);
        }
        if (e instanceof TransientDataAccessException) {
            // A lock timeout or a deadlock, the database up: the same request again will do.
            log.warn("Transient database failure on {} {}: {}", request.getMethod(), request.getRequestURI(),
                    e.toString());
            return respond(503, ErrorCode.UNAVAILABLE, "metadata database busy, retry later", null, retryAfter());
        }
        return unexpected(e, request);
    }

    /**
     * A blob of the pull-through cache whose transfer from the upstream broke off: before the first byte, a 502 naming
     * the upstream's problem; after it, the answer must break off as well (rethrown: Tomcat closes the connection), so
     * that the client never takes a short body for the blob. Not a storage outage; the fetch logged its failure.
     */
    @ExceptionHandler(io.stowage.proxy.UpstreamTransferBroken.class)
    ResponseEntity<OciError> upstreamTransfer(io.stowage.proxy.UpstreamTransferBroken e,
                                              jakarta.servlet.http.HttpServletResponse response)
            throws io.stowage.proxy.UpstreamTransferBroken {
        if (response.isCommitted()) {
            throw e;
        }
        return respond(502, ErrorCode.UNAVAILABLE, e.getMessage(), null, null);
    }

    @ExceptionHandler({UncheckedIOException.class, IOException.class, AsyncRequestNotUsableException.class})
    ResponseEntity<OciError> io(Exception e, HttpServletRequest request) {
        if (ClientFailures.isClientFailure(e)) {
            // The client's framing or connection, not our storage. What it sent of an upload is kept (UploadService).
            log.debug("Request failed on the client's side: {}", e.toString());
            boolean manifest = String.valueOf(request.getAttribute(RepositoryRouteFilter.RESOURCE))
                    .startsWith("manifests/");
            ResponseEntity<OciError> answer = respond(400,
                    manifest ? ErrorCode.MANIFEST_INVALID : ErrorCode.BLOB_UPLOAD_INVALID,
                    "the request body ended early or its framing is invalid", null, null);
            // Tomcat answers a failed read with sendError itself, so this goes out through the error page.
            request.setAttribute(OciErrorController.ANSWER, answer);
            return answer;
        }
        // Answering a request does no I/O but the blob store's: the database's failures are DataAccessExceptions.
        return unavailable(Dependency.outageOf(e).orElse(Dependency.STORAGE), e);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<OciError> unexpected(Exception e, HttpServletRequest request) {
        if (ClientFailures.isMalformedParameters(e)) {
            // Tomcat parses the query string lazily and throws when a parameter is first read (e.g. ?n=%zz).
            return respond(400, ErrorCode.UNSUPPORTED, "malformed query string", null, null);
        }
        if (Dependency.outageOf(e).orElse(null) == Dependency.DATABASE) {
            return unavailable(Dependency.DATABASE, e); // wrapped in something of ours on its way here
        }
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(500, ErrorCode.UNKNOWN, "internal error", null, null);
    }

    private ResponseEntity<OciError> unavailable(Dependency dependency, Exception e) {
        outages.refused(dependency, e);
        return respond(503, ErrorCode.UNAVAILABLE, dependency.description() + " unavailable, retry later", null,
                retryAfter());
    }

    /** {@code Retry-After} for an answer 503. */
    static HttpHeaders retryAfter() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Dependency.RETRY_AFTER.toSeconds()));
        return headers;
    }

    static ResponseEntity<OciError> respond(int status, ErrorCode code, String message, Object detail,
                                            HttpHeaders headers) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (headers != null) {
            builder.headers(headers);
        }
        return builder.body(OciError.of(code, message, detail));
    }

}
