package io.stowage.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The token endpoint's answer when the database fails it: 503 with an OAuth2-style body ({@code
 * temporarily_unavailable}, RFC 6749 section 4.1.2.1) and {@code Retry-After} during an outage, else {@code
 * server_error}; the registry's error body is for {@code /v2/}.
 */
@RestControllerAdvice(assignableTypes = TokenController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class TokenOutageHandler {

    private static final Logger log = LoggerFactory.getLogger(TokenOutageHandler.class);

    private final OutageLog outages;

    TokenOutageHandler(OutageLog outages) {
        this.outages = outages;
    }

    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<Map<String, Object>> database(Exception e, HttpServletRequest request) {
        Optional<Dependency> outage = Dependency.outageOf(e);
        if (outage.isEmpty()) {
            log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
            return answer(500, "server_error", "internal error", null);
        }
        outages.refused(outage.get(), e);
        return answer(503, "temporarily_unavailable", outage.get().description() + " unavailable, retry later",
                Long.toString(Dependency.RETRY_AFTER.toSeconds()));
    }

    private static ResponseEntity<Map<String, Object>> answer(int status, String error, String description,
                                                              String retryAfter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore());
        if (retryAfter != null) {
            builder.header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return builder.body(body);
    }
}
