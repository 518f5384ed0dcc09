package io.stowage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.stowage.config.StowageProperties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The example configurations in {@code config/} stay in step with the code: every {@code stowage.*} key in them is
 * one {@link StowageProperties} binds (a misspelt key would otherwise be ignored without a word), they keep token
 * auth on, and no secret is written in them.
 */
class ConfigFilesTest {

    /** A key whose value must come from the environment or a secret store, set to something on an uncommented line. */
    private static final Pattern WRITTEN_SECRET = Pattern.compile(
            "(?m)^\\s*[a-z-]*(password|secret|secret-key)\\s*:\\s*\\S");

    static Stream<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("config"))) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
            assertThat(yaml).as("example configurations").isNotEmpty();
            return yaml.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyStowageKeyBindsAndTokenAuthStaysOn(Path file) throws IOException {
        List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(file.toString(),
                new FileSystemResource(file));
        Binder binder = new Binder(ConfigurationPropertySources.from(sources));

        StowageProperties properties = binder.bindOrCreate("stowage", Bindable.of(StowageProperties.class),
                new NoUnboundElementsBindHandler(BindHandler.DEFAULT));

        assertThat(properties.auth().mode()).as(file + ": stowage.auth.mode")
                .isEqualTo(StowageProperties.AuthMode.TOKEN);
    }

    @ParameterizedTest
    @MethodSource("files")
    void noSecretIsWrittenDown(Path file) throws IOException {
        assertThat(Files.readString(file)).as(file.toString()).doesNotContainPattern(WRITTEN_SECRET);
    }
}
