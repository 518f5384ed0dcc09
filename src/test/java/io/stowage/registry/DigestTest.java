package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {

    @Test
    void parsesSha256AndSha512() {
        Digest sha256 = Digest.parse("sha256:" + "a".repeat(64));
        assertThat(sha256.algorithm()).isEqualTo("sha256");
        assertThat(sha256).hasToString("sha256:" + "a".repeat(64));
        assertThat(Digest.parse("sha512:" + "0".repeat(128)).algorithm()).isEqualTo("sha512");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256:totallywrong", "sha256:", ":abc", "sha256", "", "sha256:" + "A", "md5:d41d8cd98f00b204e9800998ecf8427e",
            "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaA",
            "sha512:aaaa", "sha256:../../etc/passwd"})
    void rejectsMalformedOrUnsupportedDigestsAsDigestInvalid(String value) {
        assertThatThrownBy(() -> Digest.parse(value))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID);
                    assertThat(e.status()).isEqualTo(400);
                });
    }

    @Test
    void computesTheDigestOfContent() {
        assertThat(Digest.compute("sha256", "".getBytes(StandardCharsets.UTF_8)))
                .hasToString("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
