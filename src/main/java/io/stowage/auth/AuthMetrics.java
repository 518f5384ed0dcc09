package io.stowage.auth;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.accounts.Identity;
import org.springframework.stereotype.Component;

/**
 * Tokens issued ({@code stowage_auth_tokens_issued_total} by kind of caller) and authentication failures
 * ({@code stowage_auth_failures_total} by reason) on this node. The first, unauthenticated request of a client's
 * login dance is not a failure: only wrong credentials, bad tokens, missing rights and throttled logins count.
 */
@Component
public class AuthMetrics {

    /** Why a request was refused. */
    public enum Failure {
        BAD_CREDENTIALS, THROTTLED, INVALID_TOKEN, INSUFFICIENT_SCOPE, DENIED
    }

    private final MeterRegistry registry;
    private final Map<Failure, Counter> failures = new ConcurrentHashMap<>();
    private final Map<Identity.Kind, Counter> issued = new ConcurrentHashMap<>();

    public AuthMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Failure failure : Failure.values()) {
            failures.put(failure, Counter.builder("stowage.auth.failures").description("Refused authentications")
                    .tag("reason", failure.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    public void failed(Failure failure) {
        failures.get(failure).increment();
    }

    void tokenIssued(Identity identity) {
        issued.computeIfAbsent(identity.kind(), kind -> Counter.builder("stowage.auth.tokens.issued")
                .description("Tokens issued by the token endpoint, by kind of caller")
                .tag("kind", kind.name().toLowerCase(Locale.ROOT)).register(registry)).increment();
    }
}
