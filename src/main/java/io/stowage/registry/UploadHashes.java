package io.stowage.registry;

import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * This node's running digests of upload sessions, so that a chunk is hashed once as it streams in. Only a
 * cache: a session continued on another node (or after a restart) restores the digest state saved with the
 * session ({@link DigestState}) or, failing that, recomputes its digest from storage.
 */
@Component
class UploadHashes {

    UploadHashes() {
        // Decide at start-up (with its one warning, if any) whether digest states can be saved, not mid-upload.
        DigestState.available();
    }

    private static final int MAX_ENTRIES = 10_000;

    private record State(long offset, MessageDigest hasher) {
    }

    private final Map<UUID, State> states = new ConcurrentHashMap<>();

    /** The hasher for an upload, if this node holds one that has seen exactly {@code offset} bytes. */
    Optional<MessageDigest> take(UUID upload, long offset) {
        State state = states.remove(upload);
        return state != null && state.offset() == offset ? Optional.of(state.hasher()) : Optional.empty();
    }

    void put(UUID upload, long offset, MessageDigest hasher) {
        if (states.size() >= MAX_ENTRIES) {
            // Sessions abandoned without a DELETE would otherwise pile up; losing a state only costs a re-read.
            states.clear();
        }
        states.put(upload, new State(offset, hasher));
    }

    void forget(UUID upload) {
        states.remove(upload);
    }
}
