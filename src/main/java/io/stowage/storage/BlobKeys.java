package io.stowage.storage;

/** The content-addressed layout of stored objects: {@code blobs/<algorithm>/<first two hex>/<hex>}. */
public final class BlobKeys {

    private BlobKeys() {
    }

    /** The key for a digest given as {@code algorithm:hex}. */
    public static String forDigest(String digest) {
        int colon = digest.indexOf(':');
        String algorithm = digest.substring(0, colon);
        String hex = digest.substring(colon + 1);
        return "blobs/" + algorithm + "/" + hex.substring(0, 2) + "/" + hex;
    }
}
