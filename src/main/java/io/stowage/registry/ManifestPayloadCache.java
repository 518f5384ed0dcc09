package io.stowage.registry;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * Manifest bytes by digest, least recently used first out, within a byte budget. Content-addressed bytes
 * never change, so an entry is never stale on any node; whether a repository holds the manifest is still
 * asked of PostgreSQL on every request.
 */
@Component
class ManifestPayloadCache {

    private static final long BUDGET_BYTES = 32L << 20;

    private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;

    synchronized byte[] get(String digest) {
        return entries.get(digest);
    }

    synchronized void put(String digest, byte[] payload) {
        if (payload.length > BUDGET_BYTES / 16) {
            return;
        }
        byte[] previous = entries.put(digest, payload);
        bytes += payload.length - (previous == null ? 0 : previous.length);
        var eldest = entries.entrySet().iterator();
        while (bytes > BUDGET_BYTES && eldest.hasNext()) {
            Map.Entry<String, byte[]> entry = eldest.next();
            bytes -= entry.getValue().length;
            eldest.remove();
        }
    }
}
