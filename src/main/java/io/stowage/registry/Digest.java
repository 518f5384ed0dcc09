package io.stowage.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest, {@code algorithm:hex}, restricted to the algorithms Stowage verifies (sha256, sha512). */
public record Digest(String algorithm, String hex) {

    // The OCI image-spec digest grammar; anything else is not a digest at all.
    private static final Pattern GRAMMAR = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

    /** Parses and validates a digest; anything malformed or unsupported is {@code DIGEST_INVALID}. */
    public static Digest parse(String value) {
        if (value == null || value.length() > 256 || !GRAMMAR.matcher(value).matches()) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "invalid digest: " + abbreviate(value));
        }
        int colon = value.indexOf(':');
        String algorithm = value.substring(0, colon);
        String hex = value.substring(colon + 1);
        Pattern encoding = switch (algorithm) {
            case "sha256" -> SHA256;
            case "sha512" -> SHA512;
            default -> throw new RegistryException(ErrorCode.DIGEST_INVALID, "unsupported digest algorithm: " + algorithm);
        };
        if (!encoding.matcher(hex).matches()) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "invalid " + algorithm + " digest: " + value);
        }
        return new Digest(algorithm, hex);
    }

    /** Whether the text looks like a digest (has the grammar), as opposed to a tag. */
    public static boolean looksLikeDigest(String value) {
        return value != null && value.indexOf(':') > 0;
    }

    /** Checks that an algorithm name is one Stowage can compute. */
    public static String requireSupportedAlgorithm(String algorithm) {
        if (!"sha256".equals(algorithm) && !"sha512".equals(algorithm)) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "unsupported digest algorithm: " + algorithm);
        }
        return algorithm;
    }

    /**
     * A fresh hasher for an algorithm Stowage supports: a clone of a prototype, which costs less than the provider
     * lookup of {@code MessageDigest.getInstance} (paid on every sign-in check and every pushed blob).
     */
    public static MessageDigest newHasher(String algorithm) {
        MessageDigest prototype = switch (algorithm) {
            case "sha256" -> SHA256_HASHER;
            case "sha512" -> SHA512_HASHER;
            default -> throw new IllegalArgumentException(algorithm);
        };
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) { // not with the JDK's providers
            return instance(prototype.getAlgorithm());
        }
    }

    // Never updated, only cloned: safe to share between threads.
    private static final MessageDigest SHA256_HASHER = instance("SHA-256");
    private static final MessageDigest SHA512_HASHER = instance("SHA-512");

    private static MessageDigest instance(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Digest of(String algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    /** The digest of a byte array, computed with this algorithm. */
    public static Digest compute(String algorithm, byte[] content) {
        return of(algorithm, newHasher(algorithm).digest(content));
    }

    public MessageDigest newHasher() {
        return newHasher(algorithm);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    private static String abbreviate(String value) {
        if (value == null) {
            return "(none)";
        }
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}
