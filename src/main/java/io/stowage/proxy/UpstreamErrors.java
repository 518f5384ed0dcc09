package io.stowage.proxy;

import java.util.LinkedHashMap;
import java.util.Map;

import io.stowage.registry.ErrorCode;
import io.stowage.registry.RegistryException;

/** The error a client gets for content the cache never held when its upstream fails: naming the upstream's problem. */
final class UpstreamErrors {

    private UpstreamErrors() {
    }

    static RegistryException toRegistry(Upstream upstream, UpstreamException e) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("upstream", upstream.name());
        detail.put("problem", e.problem().name().toLowerCase(java.util.Locale.ROOT));
        if (e.retryAfter() != null) {
            detail.put("retryAfterSeconds", e.retryAfter().toSeconds());
        }
        String message = "upstream " + upstream.name() + " could not serve this: " + e.getMessage();
        return switch (e.problem()) {
            case RATE_LIMITED -> new RegistryException(ErrorCode.TOOMANYREQUESTS, 429, message, detail);
            case TIMEOUT -> new RegistryException(ErrorCode.UNAVAILABLE, 504, message, detail);
            default -> new RegistryException(ErrorCode.UNAVAILABLE, 502, message, detail);
        };
    }
}
