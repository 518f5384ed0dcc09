package io.stowage.distribution;

import java.util.Optional;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import io.stowage.registry.ErrorCode;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Errors raised outside the controllers (by the servlet container or filters) also get the OCI body. */
@RestController
class OciErrorController implements ErrorController {

    /**
     * The request attribute holding the answer {@link OciErrorHandler} chose for a request that Tomcat had already
     * answered with an error status (it does so when reading the body fails): that answer is sent, with Tomcat's
     * status, instead of one made from the status alone.
     */
    static final String ANSWER = "io.stowage.distribution.answer";

    private final OutageLog outages;

    OciErrorController(OutageLog outages) {
        this.outages = outages;
    }

    @RequestMapping("/error")
    ResponseEntity<OciError> error(HttpServletRequest request) {
        Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = statusAttribute instanceof Integer code ? code : 500;
        if (request.getAttribute(ANSWER) instanceof ResponseEntity<?> answer
                && answer.getBody() instanceof OciError body) {
            return ResponseEntity.status(status).headers(answer.getHeaders()).body(body);
        }
        // A filter failed for an outage: 503 like the controllers answer, not 500.
        Throwable failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable thrown
                ? thrown : null;
        Optional<Dependency> outage = failure == null ? Optional.empty() : Dependency.outageOf(failure);
        if (status == 500 && outage.isPresent()) {
            outages.refused(outage.get(), failure);
            return OciErrorHandler.respond(503, ErrorCode.UNAVAILABLE,
                    outage.get().description() + " unavailable, retry later", null, OciErrorHandler.retryAfter());
        }
        ErrorCode code = codeFor(status);
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        return OciErrorHandler.respond(status, code,
                message instanceof String text && !text.isBlank() ? text : null, null, null);
    }

    /** The OCI code for an error status raised outside the controllers. */
    static ErrorCode codeFor(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.DENIED;
            case 404, 405 -> ErrorCode.UNSUPPORTED;
            case 429 -> ErrorCode.TOOMANYREQUESTS;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.UNKNOWN : ErrorCode.UNSUPPORTED;
        };
    }
}
