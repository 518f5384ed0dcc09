package io.stowage.web;

import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.stowage.accounts.LogText;
import io.stowage.auth.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id ({@code X-Request-Id}: the client's if it sent a sane one, else a new one), returns it
 * in the response, puts it in the logging context ({@code requestId}) for every line logged while the request runs,
 * and writes one access log line when it ends, on the logger {@code io.stowage.access} (set its level to
 * {@code warn} to turn the lines off). The line holds no query string, no header and no body: nothing secret.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestLogFilter extends OncePerRequestFilter {

    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "requestId";
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final HexFormat HEX = HexFormat.of();
    private static final Logger access = LoggerFactory.getLogger("io.stowage.access");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        String id = given != null && SANE_ID.matcher(given).matches() ? given : newId();
        response.setHeader(HEADER, id);
        MDC.put(MDC_KEY, id);
        long started = System.nanoTime();
        String path = request.getRequestURI(); // as the client sent it, before any filter routes it
        try {
            chain.doFilter(request, response);
        } finally {
            if (access.isInfoEnabled()) {
                // Everything a client chose is sanitised: no client may forge log lines.
                access.info("{} {} {} in={} out={} {}ms {} \"{}\" {}", LogText.of(request.getMethod(), 20),
                        LogText.of(path, 2000), response.getStatus(), length(request.getContentLengthLong()),
                        orDash(response.getHeader("Content-Length")), (System.nanoTime() - started) / 1_000_000,
                        LogText.of(request.getRemoteAddr(), 100),
                        LogText.quotable(request.getHeader("User-Agent"), 200), caller(request));
            }
            MDC.remove(MDC_KEY);
        }
    }

    /**
     * 128 random bits in hex. An id tells lines apart and is no secret, so it needs no {@code SecureRandom} (which
     * {@code UUID.randomUUID()} would ask on every request).
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
    }

    private static String caller(HttpServletRequest request) {
        Object caller = request.getAttribute(Caller.ATTRIBUTE);
        String subject = caller instanceof Caller known ? known.subject() : null;
        return subject == null || subject.isEmpty() ? "-" : LogText.of(subject, 300);
    }

    private static String length(long length) {
        return length < 0 ? "-" : Long.toString(length);
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }
}
