package io.stowage.metadata;

/**
 * What a repository, or a set of repositories counted together, occupies: each digest counted once.
 *
 * @param manifests manifests stored (their bytes live in PostgreSQL)
 * @param manifestBytes the manifests' payload bytes
 * @param referencedBytes the distinct blobs (layers and configs) the manifests reference
 * @param blobs the distinct blobs linked (pushed or mounted) to the repositories
 * @param storedBytes the bytes of those linked blobs in blob storage
 * @param exclusiveBytes the bytes of linked blobs that no repository outside the set is linked to
 */
public record StorageUsage(long manifests, long manifestBytes, long referencedBytes, long blobs, long storedBytes,
                           long exclusiveBytes) {

    public static final StorageUsage NONE = new StorageUsage(0, 0, 0, 0, 0, 0);
}
