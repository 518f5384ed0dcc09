package io.stowage;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the storage backend of the running registry holds, seen from outside it: for dedup and cleanup checks. */
public interface StoredObjects {

    /** Keys of stored blob objects (not uploads in progress) whose bytes are exactly {@code content}. */
    List<String> holding(byte[] content);

    /** Every stored blob object (not uploads in progress): its key and its size in bytes. */
    Map<String, Long> objects();

    /** Ids of uploads that still have bytes (or an open multipart upload) in storage. */
    Set<String> uploads();
}
