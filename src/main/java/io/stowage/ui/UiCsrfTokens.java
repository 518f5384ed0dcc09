package io.stowage.ui;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;

/**
 * Where the UI takes a request's CSRF token from: the form's {@code _csrf} field or the {@code X-CSRF-TOKEN} header,
 * never the query string, where it would be written to access logs and sent to other sites in {@code Referer}. The
 * tokens rendered into pages are masked anew each time (BREACH), as Spring Security does by default.
 */
public final class UiCsrfTokens implements CsrfTokenRequestHandler {

    private final XorCsrfTokenRequestAttributeHandler masked = new XorCsrfTokenRequestAttributeHandler();

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> token) {
        masked.handle(request, response, token);
    }

    @Override
    public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
        if (inQueryString(request, token.getParameterName())) {
            return null;
        }
        return masked.resolveCsrfTokenValue(request, token);
    }

    static boolean inQueryString(HttpServletRequest request, String name) {
        String query = request.getQueryString();
        if (query == null) {
            return false;
        }
        for (String pair : query.split("&")) {
            String key = pair.split("=", 2)[0];
            try {
                key = URLDecoder.decode(key, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                // compared as sent
            }
            if (key.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
