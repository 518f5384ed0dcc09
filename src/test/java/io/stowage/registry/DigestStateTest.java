package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The digest state codec: a state exported at any offset (block boundaries and either side of them, past the
 * first MiB) and imported into a fresh hasher must finish with the same digest as hashing everything at once.
 */
class DigestStateTest {

    private static final int LENGTH = (1 << 20) + 3 + 1000;

    @Test
    void reflectionIsAvailableToTheTests() {
        // The build passes the --add-opens; without them every other test here would prove nothing.
        assertThat(DigestState.available()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "sha256, 0", "sha256, 1", "sha256, 63", "sha256, 64", "sha256, 65", "sha256, 1048579",
        "sha512, 0", "sha512, 1", "sha512, 63", "sha512, 64", "sha512, 65", "sha512, 127", "sha512, 128",
        "sha512, 129", "sha512, 1048579"})
    void exportedMidStreamAndImportedGivesTheOneShotDigest(String algorithm, int offset) {
        byte[] data = data(offset);
        MessageDigest first = Digest.newHasher(algorithm);
        first.update(data, 0, offset);
        byte[] state = DigestState.export(first).orElseThrow();

        MessageDigest second = DigestState.restore(algorithm, state, offset).orElseThrow();
        second.update(data, offset, data.length - offset);

        assertThat(HexFormat.of().formatHex(second.digest()))
                .isEqualTo(HexFormat.of().formatHex(Digest.newHasher(algorithm).digest(data)));
        assertThat(state.length).isLessThan(256);
    }

    /**
     * The JDK sometimes keeps a whole block buffered after an update that ends on a block boundary (seen with SHA-512
     * after 128 bytes, depending on which update path the JIT has compiled): such a state must restore too.
     */
    @ParameterizedTest
    @CsvSource({"sha256, 64", "sha512, 128"})
    void aWholeBufferedBlockIsAValidState(String algorithm, int block) {
        byte[] data = data(block);
        byte[] fresh = DigestState.export(Digest.newHasher(algorithm)).orElseThrow();
        // version, algorithm, bytes processed, pending length, pending bytes, then the (still initial) state words
        java.nio.ByteBuffer state = java.nio.ByteBuffer.allocate(fresh.length + block);
        state.put(fresh, 0, 2).putLong(block).putShort((short) block).put(data, 0, block).put(fresh, 12, fresh.length - 12);

        MessageDigest restored = DigestState.restore(algorithm, state.array(), block).orElseThrow();
        restored.update(data, block, data.length - block);

        assertThat(restored.digest()).isEqualTo(Digest.newHasher(algorithm).digest(data));
    }

    @Test
    void theExportLeavesTheHasherUntouched() {
        byte[] data = data(5);
        MessageDigest hasher = Digest.newHasher("sha256");
        hasher.update(data, 0, 100);
        DigestState.export(hasher).orElseThrow();
        hasher.update(data, 100, data.length - 100);
        assertThat(hasher.digest()).isEqualTo(Digest.newHasher("sha256").digest(data));
    }

    @Test
    void aStateForAnotherOffsetOrAlgorithmOrCorruptIsRefused() {
        MessageDigest hasher = Digest.newHasher("sha256");
        hasher.update(data(7), 0, 100);
        byte[] state = DigestState.export(hasher).orElseThrow();

        assertThat(DigestState.restore("sha256", state, 100)).isPresent();
        assertThat(DigestState.restore("sha256", state, 101)).isEmpty();
        assertThat(DigestState.restore("sha512", state, 100)).isEmpty();
        assertThat(DigestState.restore("sha256", java.util.Arrays.copyOf(state, state.length - 1), 100)).isEmpty();
        assertThat(DigestState.restore("sha256", java.util.Arrays.copyOf(state, state.length + 1), 100)).isEmpty();
        assertThat(DigestState.restore("sha256", new byte[0], 0)).isEmpty();
        assertThat(DigestState.restore("sha256", null, 0)).isEmpty();
    }

    private static byte[] data(long seed) {
        byte[] data = new byte[LENGTH];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }
}
