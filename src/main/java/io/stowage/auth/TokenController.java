package io.stowage.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import io.stowage.config.StowageProperties;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
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

    private final SignIn signIn;
    private final RefreshTokens refreshTokens;
    private final AccessPolicy policy;
    private final TokenIssuer issuer;
    private final SigningKeys keys;
    private final String service;
    private final AuthMetrics metrics;

    TokenController(SignIn signIn, RefreshTokens refreshTokens, AccessPolicy policy, TokenIssuer issuer,
                    SigningKeys keys, StowageProperties properties, AuthMetrics metrics) {
        this.metrics = metrics;
        this.signIn = signIn;
        this.refreshTokens = refreshTokens;
        this.policy = policy;
        this.issuer = issuer;
        this.keys = keys;
        this.service = properties.auth().service();
    }

    @GetMapping(path = "/auth/token", produces = MediaType.APPLICATION_JSON_VALUE)
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

    @PostMapping(path = "/auth/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> post(@RequestParam MultiValueMap<String, String> form,
                                             HttpServletRequest request) {
        String audience = audience(form.getFirst("service"));
        List<ResourceScope> scopes = ResourceScope.parseAll(form.get("scope"));
        String grantType = form.getFirst("grant_type");
        if ("password".equals(grantType)) {
            String username = form.getFirst("username");
            String password = form.getFirst("password");
            if (username == null || password == null) {
                return error(400, "invalid_request", "the password grant needs username and password");
            }
            Optional<Identity> identity = signIn.signIn(username, password, request.getRemoteAddr());
            if (identity.isEmpty()) {
                return badCredentials("invalid username or password");
            }
            boolean offline = "offline".equals(form.getFirst("access_type"))
                    || "true".equalsIgnoreCase(form.getFirst("offline_token"));
            return answer(identity, audience, scopes, offline, null);
        }
        if ("refresh_token".equals(grantType)) {
            String refreshToken = form.getFirst("refresh_token");
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

    @GetMapping(path = {"/auth/jwks.json", "/auth/keys"}, produces = "application/jwk-set+json")
    ResponseEntity<Map<String, Object>> jwks() {
        // Short caching only: a rotated key must reach verifiers on other nodes soon.
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(SigningKeys.REFRESH))
                .body(keys.publicKeys().toJSONObject(true));
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
                .body(errorBody("slow_down", e.getMessage()));
    }

    @ExceptionHandler(BasicCredentials.MalformedException.class)
    ResponseEntity<Map<String, Object>> malformedCredentials(BasicCredentials.MalformedException e) {
        return badCredentials(e.getMessage());
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
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
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
                .body(errorBody("invalid_grant", description));
    }

    private static ResponseEntity<Map<String, Object>> error(int status, String error, String description) {
        return ResponseEntity.status(status).body(errorBody(error, description));
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
