package io.stowage.process;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** A reproducible stream of pseudo-random bytes of any length, generated on the fly (never held in memory). */
public final class GeneratedContent extends InputStream {

    private final SplittableRandom random;
    private final long length;
    private long position;
    private long current;

    public GeneratedContent(long seed, long length) {
        this.random = new SplittableRandom(seed);
        this.length = length;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - position);
        for (int i = 0; i < n; i++) {
            // byte k of the stream is byte (k % 8) of the (k / 8)-th long, whatever the read sizes
            if (((position + i) & 7) == 0) {
                current = random.nextLong();
            }
            b[off + i] = (byte) (current >>> (8 * ((position + i) & 7)));
        }
        position += n;
        return n;
    }

    /** The sha256 digest of {@code length} bytes generated from {@code seed}. */
    public static String sha256(long seed, long length) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new GeneratedContent(seed, length)) {
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}
