package io.stowage.proxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code Authorization} an upstream wants, per scope: a bearer token from the realm its challenge names (with
 * basic credentials, or anonymously), kept until shortly before it expires, or the basic credentials where the
 * upstream asks for those. A busy repository so costs one token request per token lifetime, not one per pull.
 */
final class UpstreamTokens {

    /** A token's lifetime when the realm does not say: the Docker token spec's default. */
    static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
    /** A token is not used in its last seconds, so that it cannot expire between here and the upstream. */
    static final Duration MARGIN = Duration.ofSeconds(10);
    /** How long the answer "basic credentials" is remembered for a scope. */
    static final Duration BASIC_LIFETIME = Duration.ofHours(1);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Entry(String authorization, Duration lifetime) {
    }

    private final HttpClient http;
    private final Duration timeout;
    private final RegistryClient.Credentials credentials;
    private final AtomicLong fetched = new AtomicLong();
    /** When the upstream last asked for basic credentials ({@link System#nanoTime}); 0: never. */
    private volatile long basicAskedAt;
    private final Cache<String, Entry> byScope = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfter(Expiry.<String, Entry>creating((scope, entry) -> entry.lifetime())).build();

    UpstreamTokens(HttpClient http, Duration timeout, RegistryClient.Credentials credentials) {
        this.http = http;
        this.timeout = timeout;
        this.credentials = credentials;
    }

    /**
     * The {@code Authorization} that worked for this scope and is still good, if any; for an upstream that asked for
     * basic credentials lately, those, whatever the scope (they are not per repository), sparing each new repository
     * a 401 first.
     */
    Optional<String> cached(String scope) {
        Optional<String> cached = Optional.ofNullable(byScope.getIfPresent(scope)).map(Entry::authorization);
        if (cached.isEmpty() && credentials != null && System.nanoTime() - basicAskedAt < BASIC_LIFETIME.toNanos()
                && basicAskedAt != 0) {
            return Optional.of(credentials.basic());
        }
        return cached;
    }

    long fetched() {
        return fetched.get();
    }

    /**
     * The {@code Authorization} answering a challenge for this scope, remembered for the next requests; null when
     * there is nothing to answer with (a basic challenge and no credentials, or a challenge Stowage does not know).
     */
    String answer(String upstream, Challenge challenge, String scope) throws UpstreamException {
        if (challenge.basic()) {
            if (credentials == null) {
                return null;
            }
            String basic = credentials.basic();
            byScope.put(scope, new Entry(basic, BASIC_LIFETIME));
            basicAskedAt = System.nanoTime();
            return basic;
        }
        if (!challenge.bearer() || challenge.parameter("realm") == null) {
            return null;
        }
        Entry token = fetch(upstream, challenge, scope);
        byScope.put(scope, token);
        return token.authorization();
    }

    private Entry fetch(String upstream, Challenge challenge, String scope) throws UpstreamException {
        URI realm;
        try {
            realm = URI.create(challenge.parameter("realm"));
        } catch (IllegalArgumentException e) {
            throw invalid(upstream, "the token realm " + challenge.parameter("realm") + " is no URL");
        }
        if (realm.getScheme() == null || !realm.getScheme().matches("(?i)https?")) {
            throw invalid(upstream, "the token realm " + realm + " is no http(s) URL");
        }
        StringBuilder query = new StringBuilder();
        if (challenge.parameter("service") != null) {
            query.append(RegistryClient.query("service", challenge.parameter("service")));
        }
        // The scope asked for, which the upstream's challenge may name more precisely (the same repository).
        String wanted = challenge.parameter("scope") != null ? challenge.parameter("scope") : scope;
        query.append(query.isEmpty() ? "" : "&").append(RegistryClient.query("scope", wanted));
        URI target = URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + query);
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout).GET();
        if (credentials != null) {
            request.header("Authorization", credentials.basic());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UpstreamException(upstream, UpstreamException.Problem.UNREACHABLE,
                    "the token realm " + realm + " of " + upstream + " cannot be reached (" + e + ")", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(upstream, UpstreamException.Problem.TIMEOUT, "interrupted", null, e);
        }
        fetched.incrementAndGet();
        if (response.statusCode() != 200) {
            throw UpstreamException.ofStatus(upstream, "the token realm " + realm + " of " + upstream,
                    response.statusCode(), RegistryClient.retryAfter(response),
                    credentials == null ? "an anonymous token" : "the credentials");
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            // "token" per the Docker token spec; "access_token" as OAuth2 names it (both, from some realms).
            String token = body.path("token").asString(body.path("access_token").asString(""));
            if (token.isBlank()) {
                throw invalid(upstream, "the token realm " + realm + " answered no token");
            }
            long seconds = body.path("expires_in").asLong(DEFAULT_LIFETIME.toSeconds());
            Duration lifetime = Duration.ofSeconds(Math.max(seconds, DEFAULT_LIFETIME.toSeconds())).minus(MARGIN);
            return new Entry("Bearer " + token, lifetime);
        } catch (JacksonException e) {
            throw invalid(upstream, "the token realm " + realm + " answered no JSON");
        }
    }

    private static UpstreamException invalid(String upstream, String message) {
        return new UpstreamException(upstream, UpstreamException.Problem.INVALID_RESPONSE, message);
    }
}
