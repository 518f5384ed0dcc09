package io.stowage.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds admin API request bodies to {@link #MAX_BODY}: every body is a small JSON object, and Jackson would hold a
 * larger one in memory whole. A declared {@code Content-Length} above it is refused with 413 before anything is read;
 * a chunked body is cut off with the same answer once it grows past it. Runs after authentication, so strangers learn
 * nothing from it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 15)
class AdminBodyLimitFilter extends OncePerRequestFilter {

    /** Ample for any admin request: the longest fields (descriptions) are a few KiB. */
    static final DataSize MAX_BODY = DataSize.ofMegabytes(1);

    private static final String TOO_LARGE = "the request body is larger than " + MAX_BODY.toMegabytes() + " MiB";

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals(AdminAuthenticationFilter.PREFIX)
                || path.startsWith(AdminAuthenticationFilter.PREFIX + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > MAX_BODY.toBytes()) {
            // Closing spares Tomcat reading (swallowing) the rest, which it would otherwise do without limit.
            response.setHeader(HttpHeaders.CONNECTION, "close");
            AdminProblem.write(response, AdminProblem.of(413, "content_too_large", TOO_LARGE, request));
            return;
        }
        // With a Content-Length Tomcat delivers no more than it says; only a chunked body needs counting.
        chain.doFilter(length < 0 ? new LimitedBodyRequest(request) : request, response);
    }

    /** A chunked body that grew past the limit; the error handler answers 413. */
    static final class BodyTooLargeException extends IOException {

        BodyTooLargeException() {
            super(TOO_LARGE);
        }
    }

    private static final class LimitedBodyRequest extends HttpServletRequestWrapper {

        private ServletInputStream body;

        LimitedBodyRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (body == null) {
                body = new LimitedInputStream(super.getInputStream());
            }
            return body;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class LimitedInputStream extends ServletInputStream {

        private final ServletInputStream in;
        private long count;

        LimitedInputStream(ServletInputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) throws BodyTooLargeException {
            count += n;
            if (count > MAX_BODY.toBytes()) {
                throw new BodyTooLargeException();
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
