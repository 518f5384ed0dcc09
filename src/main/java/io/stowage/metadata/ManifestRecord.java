package io.stowage.metadata;

/** A stored manifest's identity and bytes (payload may be null where only the size was asked for). */
public record ManifestRecord(long id, String digest, String mediaType, byte[] payload, long size) {
}
