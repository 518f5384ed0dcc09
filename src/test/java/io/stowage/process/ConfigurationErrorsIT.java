package io.stowage.process;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A wrong setting stops Stowage at start, before it listens, with a message naming the property and what is wrong
 * with it: not at the first push, and not with a stack trace to decipher.
 */
class ConfigurationErrorsIT {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "--stowage.gc.batch-size=0; stowage.gc.batch-size must be at least 1",
            "--stowage.storage.type=floppy; stowage.storage.type",
            "--stowage.storage.type=s3; stowage.storage.type=s3 needs stowage.storage.s3.bucket",
            "--stowage.auth.token-lifetime=10s; stowage.auth.token-lifetime",
            "--stowage.gc.review-delay=-1h; stowage.gc.review-delay must not be negative",
            "--stowage.storage.filesystem.root=/proc/stowage; Blob storage (stowage.storage.type=filesystem, root /proc/stowage) cannot be used"})
    void aWrongSettingStopsTheStartNamingTheProperty(String argument, String message) throws Exception {
        Path dataDir = Files.createTempDirectory("stowage-config-error");
        assertThatThrownBy(() -> StowageProcess.start(dataDir, List.of("-Xmx256m"), List.of(argument)).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Stowage exited with 1")
                .hasMessageContaining(message)
                .hasMessageContaining("APPLICATION FAILED TO START");
    }
}
