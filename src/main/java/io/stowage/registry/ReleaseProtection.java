package io.stowage.registry;

/**
 * What release governance keeps from changing: tags that may not move or go (immutability rules, legal holds),
 * manifests and repositories that may not go. The registry asks before each such change, inside the change's
 * transaction and after locking what it changes; a refusal is {@code DENIED} with a message naming the rule or hold.
 * The checks run only when a tag would move or something would be deleted, never on the common paths of a push.
 */
public interface ReleaseProtection {

    /** Throws {@code DENIED} unless the tag may move to another manifest. */
    void requireMovable(String repository, long repositoryId, String tag);

    /**
     * Throws {@code DENIED} unless the tag may be deleted. With an {@code override} (an {@link Exemption}), a tag immutability rules cover may
     * go (a held one never); the rule overridden is returned, or null when none covered the tag.
     */
    String requireTagDeletable(String repository, long repositoryId, String tag, Exemption override);

    /** Throws {@code DENIED} unless the manifest, and with it the tags pointing at it, may be deleted. */
    void requireManifestDeletable(String repository, long repositoryId, long manifestId);

    /**
     * Throws {@code DENIED} unless the repository may be deleted: never while it holds anything on legal hold, and
     * with immutable tags only with an {@code override}. The number of immutable tags overridden is returned.
     */
    int requireRepositoryDeletable(String repository, long repositoryId, Exemption override);

    /**
     * An explicit deletion of what immutability rules protect, by an administrator or the namespace's owner (the
     * caller checks who), with the reason the audit records.
     */
    record Exemption(String actor, String reason) {
    }
}
