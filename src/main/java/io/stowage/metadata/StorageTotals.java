package io.stowage.metadata;

/**
 * What the whole registry occupies.
 *
 * @param repositories repositories, empty ones included
 * @param manifests manifests over all repositories
 * @param manifestBytes their payload bytes (in PostgreSQL)
 * @param referencedBytes the blobs the manifests reference, each digest counted once per repository
 * @param blobs stored objects
 * @param storedBytes their bytes: what blob storage holds
 * @param uploads upload sessions in progress
 * @param uploadBytes bytes those sessions have received so far
 */
public record StorageTotals(long repositories, long manifests, long manifestBytes, long referencedBytes, long blobs,
                            long storedBytes, long uploads, long uploadBytes) {
}
