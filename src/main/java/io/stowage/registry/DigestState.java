package io.stowage.registry;

import java.lang.reflect.Field;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running state of a SHA-256/SHA-512 {@link MessageDigest}, exported to bytes and imported again, so that an
 * upload session's digest can be kept in PostgreSQL and continued on any node. S3 cannot give back the bytes of an
 * unfinished multipart upload, so without this a node that did not see the earlier chunks could not go on.
 *
 * <p>The JDK has no public API for it (CNCF distribution uses Go's marshalable hash state for the same purpose), so
 * this reads and writes the fields of the JDK's own implementation ({@code sun.security.provider.SHA2}/{@code SHA5}
 * and their {@code DigestBase}) by reflection. That needs {@code --add-opens java.base/java.security} and
 * {@code java.base/sun.security.provider} (the jar's manifest carries them). Whether it works is checked once with
 * a round trip ({@link #available()}); when it does not, export and import answer empty and uploads fall back to
 * recomputing the digest from storage, as before.
 *
 * <p>The encoding is our own, not Java serialization: version, algorithm, bytes processed, the buffered bytes of
 * the unfinished block, then the eight state words. A few hundred bytes at most.
 */
final class DigestState {

    private static final Logger log = LoggerFactory.getLogger(DigestState.class);

    private static final byte VERSION = 1;
    private static final byte SHA256 = 1;
    private static final byte SHA512 = 2;

    private DigestState() {
    }

    /** Whether states can be exported and imported on this JVM; decided (and warned about) once. */
    static boolean available() {
        return Access.INSTANCE != null;
    }

    /** The state of {@code hasher}, which has consumed {@code bytesProcessed} bytes; empty if it cannot be exported. */
    static Optional<byte[]> export(MessageDigest hasher) {
        Access access = Access.INSTANCE;
        if (access == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(access.export(hasher));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("Could not export a digest state: {}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * A {@code algorithm} hasher in the exported state, provided that state is well formed, of that algorithm, and
     * has consumed exactly {@code expectedBytes} bytes; else empty.
     */
    static Optional<MessageDigest> restore(String algorithm, byte[] state, long expectedBytes) {
        Access access = Access.INSTANCE;
        if (access == null || state == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(access.restore(algorithm, state, expectedBytes));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("Could not import a digest state: {}", e.toString());
            return Optional.empty();
        }
    }

    /** The reflective access, or null when this JVM does not allow it or the round trip fails. */
    private static final class Access {

        static final Access INSTANCE = create();

        private final Class<?> delegate;
        private final Field digestSpi;
        private final Class<?> sha2;
        private final Class<?> sha5;
        private final Field sha2State;
        private final Field sha5State;
        private final Field buffer;
        private final Field bufOfs;
        private final Field bytesProcessed;

        private Access() throws ReflectiveOperationException {
            delegate = Class.forName("java.security.MessageDigest$Delegate");
            digestSpi = accessible(delegate.getDeclaredField("digestSpi"));
            Class<?> digestBase = Class.forName("sun.security.provider.DigestBase");
            sha2 = Class.forName("sun.security.provider.SHA2");
            sha5 = Class.forName("sun.security.provider.SHA5");
            sha2State = accessible(sha2.getDeclaredField("state"));
            sha5State = accessible(sha5.getDeclaredField("state"));
            buffer = accessible(digestBase.getDeclaredField("buffer"));
            bufOfs = accessible(digestBase.getDeclaredField("bufOfs"));
            bytesProcessed = accessible(digestBase.getDeclaredField("bytesProcessed"));
        }

        private static Access create() {
            try {
                Access access = new Access();
                selfTest(access);
                return access;
            } catch (Throwable e) { // InaccessibleObjectException without the --add-opens, or a changed JDK
                log.warn("Upload digest states cannot be saved on this JVM ({}): an upload continued on another node"
                        + " or after a restart recomputes its digest from storage, which S3 cannot do once a part"
                        + " is sent. Run with --add-opens java.base/java.security=ALL-UNNAMED --add-opens"
                        + " java.base/sun.security.provider=ALL-UNNAMED (the jar's manifest has them).", e.toString());
                return null;
            }
        }

        /** Exports mid-stream, imports into a fresh hasher, finishes both: the digests must agree. */
        private static void selfTest(Access access) throws ReflectiveOperationException {
            byte[] data = new byte[1000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31 + 7);
            }
            for (String algorithm : new String[] {"sha256", "sha512"}) {
                MessageDigest original = Digest.newHasher(algorithm);
                original.update(data, 0, 333);
                byte[] state = access.export(original);
                MessageDigest restored = state == null ? null : access.restore(algorithm, state, 333);
                if (restored == null) {
                    throw new IllegalStateException(algorithm + " is not the JDK's implementation");
                }
                original.update(data, 333, data.length - 333);
                restored.update(data, 333, data.length - 333);
                byte[] expected = Digest.newHasher(algorithm).digest(data);
                if (!Arrays.equals(original.digest(), expected) || !Arrays.equals(restored.digest(), expected)) {
                    throw new IllegalStateException("the " + algorithm + " state round trip gives another digest");
                }
            }
        }

        /** Null when the hasher is not the JDK's SHA-2 (another provider, say). */
        byte[] export(MessageDigest hasher) throws ReflectiveOperationException {
            Object spi = spiOf(hasher);
            if (spi == null) {
                return null;
            }
            byte[] buf = (byte[]) buffer.get(spi);
            int ofs = bufOfs.getInt(spi);
            long processed = bytesProcessed.getLong(spi);
            if (sha2.isInstance(spi)) {
                int[] words = (int[]) sha2State.get(spi);
                ByteBuffer out = header(SHA256, processed, buf, ofs, words.length * Integer.BYTES);
                for (int word : words) {
                    out.putInt(word);
                }
                return out.array();
            }
            long[] words = (long[]) sha5State.get(spi);
            ByteBuffer out = header(SHA512, processed, buf, ofs, words.length * Long.BYTES);
            for (long word : words) {
                out.putLong(word);
            }
            return out.array();
        }

        MessageDigest restore(String algorithm, byte[] state, long expectedBytes) throws ReflectiveOperationException {
            MessageDigest hasher = Digest.newHasher(algorithm);
            Object spi = spiOf(hasher);
            if (spi == null) {
                return null;
            }
            ByteBuffer in = ByteBuffer.wrap(state);
            try {
                if (in.get() != VERSION || in.get() != ("sha256".equals(algorithm) ? SHA256 : SHA512)) {
                    return null;
                }
                long processed = in.getLong();
                int ofs = in.getShort();
                byte[] buf = (byte[]) buffer.get(spi);
                // The unfinished block is bytesProcessed modulo the block size, or a whole block the JDK has buffered
                // without compressing it yet (its compiled update path sometimes leaves one): anything else is corrupt.
                boolean wholeBlockPending = ofs == buf.length && processed >= buf.length && processed % buf.length == 0;
                if (processed != expectedBytes || processed < 0 || (ofs != processed % buf.length && !wholeBlockPending)) {
                    return null;
                }
                byte[] pending = new byte[ofs];
                in.get(pending);
                Object words = (sha2.isInstance(spi) ? sha2State : sha5State).get(spi);
                if (words instanceof int[] ints) {
                    int[] read = new int[ints.length];
                    in.asIntBuffer().get(read);
                    in.position(in.position() + read.length * Integer.BYTES);
                    System.arraycopy(read, 0, ints, 0, read.length);
                } else {
                    long[] longs = (long[]) words;
                    long[] read = new long[longs.length];
                    in.asLongBuffer().get(read);
                    in.position(in.position() + read.length * Long.BYTES);
                    System.arraycopy(read, 0, longs, 0, read.length);
                }
                if (in.hasRemaining()) {
                    return null;
                }
                System.arraycopy(pending, 0, buf, 0, ofs);
                bufOfs.setInt(spi, ofs);
                bytesProcessed.setLong(spi, processed);
                return hasher;
            } catch (BufferUnderflowException e) {
                return null;
            }
        }

        private static ByteBuffer header(byte algorithm, long processed, byte[] buf, int ofs, int stateBytes) {
            ByteBuffer out = ByteBuffer.allocate(1 + 1 + Long.BYTES + Short.BYTES + ofs + stateBytes);
            out.put(VERSION).put(algorithm).putLong(processed).putShort((short) ofs).put(buf, 0, ofs);
            return out;
        }

        private Object spiOf(MessageDigest hasher) throws IllegalAccessException {
            if (!delegate.isInstance(hasher)) {
                return null;
            }
            Object spi = digestSpi.get(hasher);
            return sha2.isInstance(spi) || sha5.isInstance(spi) ? spi : null;
        }

        private static Field accessible(Field field) {
            field.setAccessible(true);
            return field;
        }
    }
}
