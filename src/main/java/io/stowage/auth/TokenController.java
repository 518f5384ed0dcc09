package io.stowage.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.stowage.accounts.Identity;
import io.stowage.accounts.LogText;
import io.stowage.config.StowageProperties;
import io.stowage.outage.ClientFailures;
import io.stowage.outage.Dependency;
import io.stowage.outage.OutageLog;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The token endpoint ({@code GET /auth/token} with HTTP basic credentials or none; {@code POST /auth/token} with the
 * OAuth2 password and refresh_token grants) and the public signing keys ({@code GET /auth/jwks.json}). Errors are
 * OAuth2-style JSON ({@code error}, {@code error_description}).
 */
@RestController
class TokenController {

    private static final String BASIC_CHALLENGE = "Basic realm=\"stowage\", charset=\"UTF-8\"";
    private static final MediaType JWK_SET = MediaType.parseMediaType("application/jwk-set+json");
    private static final Logger log = LoggerFactory.getLogger(TokenController.class);

    private final SignIn signIn;
    private final RefreshTokens refreshTokens;
    private final AccessPolicy policy;
    private final TokenIssuer issuer;
    private final SigningKeys keys;
    private final String service;
    private final AuthMetrics metrics;
    private final OutageLog outages;

    TokenController(SignIn signIn, RefreshTokens refreshTokens, AccessPolicy policy, TokenIssuer issuer,
                    SigningKeys keys, StowageProperties properties, AuthMetrics metrics, OutageLog outages) {
        this.metrics = metrics;
        this.outages = outages;
        this.signIn = signIn;
        this.refreshTokens = refreshTokens;
        this.policy = policy;
        this.issuer = issuer;
        this.keys = keys;
        this.service = properties.auth().service();
    }

    @GetMapping("/auth/token")
    ResponseEntity<Map<String, Object>> get(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestParam(name = "service", required = false) String requestedService,
            @RequestParam(name = "offline_token", required = false) String offlineToken,
            HttpServletRequest request) {
        String audience = audience(requestedService);
        // Not a List<String> parameter: Spring would split a single "pull,push" scope at its comma.
        String[] scope = request.getParameterValues("scope");
        List<ResourceScope> scopes = ResourceScope.parseAll(scope == null ? List.of() : List.of(scope));
        Optional<Identity> identity = Optional.empty();
        if (authorization != null) {
            BasicCredentials credentials = BasicCredentials.parse(authorization);
            identity = signIn.signIn(credentials.username(), credentials.password(), request.getRemoteAddr());
            if (identity.isEmpty()) {
                return badCredentials("invalid username or password");
            }
        }
        return answer(identity, audience, scopes, "true".equalsIgnoreCase(offlineToken), null);
    }

    /** The OAuth2 grants; a form as RFC 6749 asks, any other body is refused here rather than by the framework. */
    @PostMapping("/auth/token")
    ResponseEntity<Map<String, Object>> post(HttpServletRequest request) {
        if (!isForm(request.getContentType())) {
            return error(415, "invalid_request", "the token endpoint takes application/x-www-form-urlencoded, not "
                    + (request.getContentType() == null ? "a body without Content-Type"
                    : LogText.quotable(request.getContentType(), 100)));
        }
        Map<String, String[]> form = request.getParameterMap();
        String audience = audience(first(form, "service"));
        String[] scope = form.get("scope");
        List<ResourceScope> scopes = ResourceScope.parseAll(scope == null ? List.of() : List.of(scope));
        String grantType = first(form, "grant_type");
        if ("password".equals(grantType)) {
            String username = first(form, "username");
            String password = first(form, "password");
            if (username == null || password == null) {
                return error(400, "invalid_request", "the password grant needs username and password");
            }
            Optional<Identity> identity = signIn.signIn(username, password, request.getRemoteAddr());
            if (identity.isEmpty()) {
                return badCredentials("invalid username or password");
            }
            boolean offline = "offline".equals(first(form, "access_type"))
                    || "true".equalsIgnoreCase(first(form, "offline_token"));
            return answer(identity, audience, scopes, offline, null);
        }
        if ("refresh_token".equals(grantType)) {
            String refreshToken = first(form, "refresh_token");
            if (refreshToken == null || refreshToken.isEmpty()) {
                return error(400, "invalid_request", "the refresh_token grant needs refresh_token");
            }
            Optional<Identity> identity = refreshTokens.redeem(refreshToken, audience);
            if (identity.isEmpty()) {
                return badCredentials("unknown or expired refresh token");
            }
            // The spec: a refresh grant answers the same refresh token, never a new one.
            return answer(identity, audience, scopes, false, refreshToken);
        }
        return error(400, "unsupported_grant_type", "grant_type must be password or refresh_token");
    }

    /** Any other method gets the endpoint's own error body, not the registry's. */
    @RequestMapping(path = "/auth/token", method = {RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE})
    ResponseEntity<Map<String, Object>> otherMethod(HttpServletRequest request) {
        return ResponseEntity.status(405).allow(HttpMethod.GET, HttpMethod.POST).contentType(MediaType.APPLICATION_JSON)
                .body(errorBody("invalid_request", "use GET or POST, not " + request.getMethod()));
    }

    @GetMapping(path = {"/auth/jwks.json", "/auth/keys"})
    ResponseEntity<Map<String, Object>> jwks() {
        // Short caching only: a rotated key must reach verifiers on other nodes soon.
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(SigningKeys.REFRESH))
                .contentType(JWK_SET).body(keys.publicKeys().toJSONObject(true));
    }

    @ExceptionHandler(InvalidScopeException.class)
    ResponseEntity<Map<String, Object>> invalidScope(InvalidScopeException e) {
        return error(400, "invalid_scope", e.getMessage());
    }

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<Map<String, Object>> invalidRequest(InvalidRequestException e) {
        return error(400, "invalid_request", e.getMessage());
    }

    @ExceptionHandler(SignIn.TooManyAttemptsException.class)
    ResponseEntity<Map<String, Object>> tooManyAttempts(SignIn.TooManyAttemptsException e) {
        return ResponseEntity.status(429).header(HttpHeaders.RETRY_AFTER,
                        Long.toString(Math.max(1, e.retryAfter().toSeconds())))
                .contentType(MediaType.APPLICATION_JSON).body(errorBody("slow_down", e.getMessage()));
    }

    @ExceptionHandler(BasicCredentials.MalformedException.class)
    ResponseEntity<Map<String, Object>> malformedCredentials(BasicCredentials.MalformedException e) {
        return badCredentials(e.getMessage());
    }

    /**
     * Whatever else goes wrong still answers in this endpoint's shape: an outage 503 {@code temporarily_unavailable}
     * (RFC 6749 section 4.1.2.1) with {@code Retry-After}, bad input a 400, a bug a logged 500.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> unexpected(Exception e, HttpServletRequest request) {
        if (ClientFailures.isMalformedParameters(e)) {
            // Tomcat parses the query and form lazily and throws when a parameter is first read (e.g. ?scope=%zz).
            return error(400, "invalid_request", "malformed query string or form");
        }
        Optional<Dependency> outage = Dependency.outageOf(e);
        if (outage.isPresent()) {
            outages.refused(outage.get(), e);
            return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER,
                            Long.toString(Dependency.RETRY_AFTER.toSeconds()))
                    .cacheControl(CacheControl.noStore()).contentType(MediaType.APPLICATION_JSON)
                    .body(errorBody("temporarily_unavailable", outage.get().description() + " unavailable, retry later"));
        }
        log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return error(500, "server_error", "internal error");
    }

    private ResponseEntity<Map<String, Object>> answer(Optional<Identity> caller, String audience,
                                                       List<ResourceScope> scopes, boolean offline,
                                                       String refreshToken) {
        Identity identity = caller.orElse(Identity.ANONYMOUS);
        List<Access> access = scopes.stream().map(scope -> policy.grant(identity, scope)).toList();
        IssuedToken token = issuer.issue(identity, audience, access);
        metrics.tokenIssued(identity);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token.token());
        body.put("access_token", token.token());
        body.put("expires_in", token.expiresIn().toSeconds());
        body.put("issued_at", token.issuedAt().toString());
        body.put("scope", grantedScope(access));
        if (refreshToken != null) {
            body.put("refresh_token", refreshToken);
        } else if (offline && caller.isPresent()) {
            body.put("refresh_token", refreshTokens.issue(identity, audience));
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).contentType(MediaType.APPLICATION_JSON)
                .body(body);
    }

    /** The granted scope as OAuth2 wants it in the answer: space-separated, e.g. {@code repository:a/b:pull,push}. */
    private static String grantedScope(List<Access> access) {
        return access.stream().filter(a -> !a.actions().isEmpty())
                .map(a -> a.type() + ":" + a.name() + ":" + String.join(",", a.actions()))
                .collect(Collectors.joining(" "));
    }

    private String audience(String requested) {
        if (requested == null || requested.isEmpty()) {
            return service;
        }
        if (!requested.equals(service)) {
            throw new InvalidRequestException("unknown service: this token endpoint serves \"" + service + "\"");
        }
        return requested;
    }

    private static ResponseEntity<Map<String, Object>> badCredentials(String description) {
        return ResponseEntity.status(401).header(HttpHeaders.WWW_AUTHENTICATE, BASIC_CHALLENGE)
                .contentType(MediaType.APPLICATION_JSON).body(errorBody("invalid_grant", description));
    }

    private static ResponseEntity<Map<String, Object>> error(int status, String error, String description) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(errorBody(error, description));
    }

    private static boolean isForm(String contentType) {
        try {
            return contentType != null
                    && MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(MediaType.parseMediaType(contentType));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static String first(Map<String, String[]> form, String name) {
        String[] values = form.get(name);
        return values == null || values.length == 0 ? null : values[0];
    }


    private static Map<String, Object> errorBody(String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return body;
    }

    /** A request the token endpoint cannot serve as asked (e.g. for another service). */
    static final class InvalidRequestException extends RuntimeException {
        InvalidRequestException(String message) {
            super(message);
        }
    }
}
