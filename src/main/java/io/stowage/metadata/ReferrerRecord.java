package io.stowage.metadata;

/** A manifest whose subject is a given digest, as the referrers API describes it. */
public record ReferrerRecord(String digest, String mediaType, long size, String artifactType, String annotationsJson) {
}
