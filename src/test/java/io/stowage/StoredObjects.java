package io.stowage;

import java.util.List;
import java.util.Set;

/** What the storage backend of the running registry holds, seen from outside it: for dedup and cleanup checks. */
public interface StoredObjects {

    /** Keys of stored blob objects (not uploads in progress) whose bytes are exactly {@code content}. */
    List<String> holding(byte[] content);

    /** Ids of uploads that still have bytes (or an open multipart upload) in storage. */
    Set<String> uploads();
}
