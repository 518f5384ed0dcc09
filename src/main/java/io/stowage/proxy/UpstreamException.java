package io.stowage.proxy;

import java.time.Duration;

/**
 * An upstream registry that could not answer what was asked, and why: the pull-through cache serves its cached copy
 * instead where it may, and otherwise names the problem in its error.
 */
public final class UpstreamException extends Exception {

    /** What went wrong upstream. */
    public enum Problem {
        /** No connection could be made (refused, unknown host, reset). */
        UNREACHABLE,
        /** A connection or an answer took longer than the client's timeout. */
        TIMEOUT,
        /** 429: the upstream's rate limit. */
        RATE_LIMITED,
        /** 5xx. */
        SERVER_ERROR,
        /** 401 or 403 with the credentials given (or none). */
        UNAUTHORIZED,
        /** An answer that breaks the protocol: a wrong digest, a missing header, a token endpoint's garbage. */
        INVALID_RESPONSE
    }

    private final String upstream;
    private final Problem problem;
    private final Duration retryAfter;

    UpstreamException(String upstream, Problem problem, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.upstream = upstream;
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    UpstreamException(String upstream, Problem problem, String message) {
        this(upstream, problem, message, null, null);
    }

    /**
     * What an answer other than 200 means, for {@code what} (the upstream, or its token realm): 429 and 5xx (with
     * their {@code Retry-After}), 401/403 as refusing {@code refused}, anything else an answer the protocol has not.
     */
    static UpstreamException ofStatus(String upstream, String what, int status, Duration retryAfter,
                                      String refused) {
        if (status == 429) {
            return new UpstreamException(upstream, Problem.RATE_LIMITED, what + " is rate limiting (429)",
                    retryAfter, null);
        }
        if (status >= 500) {
            return new UpstreamException(upstream, Problem.SERVER_ERROR, what + " failed (" + status + ")",
                    retryAfter, null);
        }
        if (status == 401 || status == 403) {
            return new UpstreamException(upstream, Problem.UNAUTHORIZED,
                    what + " refused " + refused + " (" + status + ")");
        }
        return new UpstreamException(upstream, Problem.INVALID_RESPONSE, what + " answered " + status);
    }

    /** The upstream's base URL. */
    public String upstream() {
        return upstream;
    }

    public Problem problem() {
        return problem;
    }

    /** The upstream's {@code Retry-After} of a 429 or 503, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
