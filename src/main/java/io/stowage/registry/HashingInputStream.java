package io.stowage.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Feeds every byte read through a hasher and counts them: digest and length in the same pass as the copy. */
class HashingInputStream extends FilterInputStream {

    private final MessageDigest hasher;
    private long count;
    private boolean failed;

    HashingInputStream(InputStream in, MessageDigest hasher) {
        super(in);
        this.hasher = hasher;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            failed = true;
            throw e;
        }
        if (n > 0) {
            hasher.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("every byte must be hashed");
    }

    /** The digest of everything read so far; the hasher is finished by this. */
    byte[] digest() {
        return hasher.digest();
    }

    long count() {
        return count;
    }

    /** Whether reading the underlying stream failed (the client, not the storage, broke off). */
    boolean failed() {
        return failed;
    }
}
