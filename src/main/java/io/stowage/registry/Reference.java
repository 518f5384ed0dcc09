package io.stowage.registry;

/** The {@code <tag-or-digest>} of a manifest URL: exactly one of the two is set. */
public record Reference(String tag, Digest digest) {

    public static Reference parse(String value) {
        if (Digest.looksLikeDigest(value)) {
            return new Reference(null, Digest.parse(value));
        }
        return new Reference(Tags.validate(value), null);
    }

    public boolean isDigest() {
        return digest != null;
    }

    @Override
    public String toString() {
        return isDigest() ? digest.toString() : tag;
    }
}
