package io.stowage.registry;

import java.util.Optional;

/** The {@code <tag-or-digest>} of a manifest URL: exactly one of the two is set. */
public record Reference(String tag, Digest digest) {

    /** A reference to store something under; invalid ones are {@code MANIFEST_INVALID} or {@code DIGEST_INVALID}. */
    public static Reference parse(String value) {
        if (Digest.looksLikeDigest(value)) {
            return new Reference(null, Digest.parse(value));
        }
        return new Reference(Tags.validate(value), null);
    }

    /**
     * Parses a reference to look something up by; empty when it is neither a valid tag nor a supported digest, as
     * nothing can be stored under it: a GET, HEAD or DELETE of it is simply not found (the conformance suite asks
     * 404 of {@code .INVALID_MANIFEST_NAME}).
     */
    public static Optional<Reference> lookup(String value) {
        if (Digest.looksLikeDigest(value)) {
            try {
                return Optional.of(new Reference(null, Digest.parse(value)));
            } catch (RegistryException invalid) {
                return Optional.empty();
            }
        }
        return Tags.isValid(value) ? Optional.of(new Reference(value, null)) : Optional.empty();
    }

    public boolean isDigest() {
        return digest != null;
    }

    @Override
    public String toString() {
        return isDigest() ? digest.toString() : tag;
    }
}
