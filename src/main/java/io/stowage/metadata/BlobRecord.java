package io.stowage.metadata;

/** A stored object: one per digest, shared by every repository that links it. */
public record BlobRecord(String digest, long size, String storageKey) {
}
