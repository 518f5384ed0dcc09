package io.stowage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.stowage.config.StowageProperties;
import org.junit.jupiter.params.ParameterizedTest;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementServerProperties;
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
 * auth on, keep the management port apart and cluster-internal, and no secret is written in them.
 */
class ConfigFilesTest {

    /** A key whose value must come from the environment or a secret store, set to something on an uncommented line. */
    private static final Pattern WRITTEN_SECRET = Pattern.compile(
            "(?m)^\\s*[a-z-]*(password|secret|secret-key)\\s*:\\s*\\S");

    private static final String MANAGEMENT_SERVER = "management:\n  server:\n";
    /** A commented {@code address:} among {@code management.server}'s keys. */
    private static final Pattern COMMENTED_ADDRESS = Pattern.compile("(?m)^    # address: (\\S+)$");

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

    /**
     * The management port (metrics and health, no authentication) is set apart from the API's, said to stay
     * cluster-internal, and offered bound to one address: the commented {@code address:} line, once uncommented, is a
     * setting Spring Boot binds.
     */
    @ParameterizedTest
    @MethodSource("files")
    void theManagementPortIsSeparateInternalAndOffersOneAddress(Path file) throws IOException {
        String text = Files.readString(file);
        int block = text.indexOf(MANAGEMENT_SERVER);
        assertThat(block).as(file + ": management.server").isNotNegative();
        Matcher address = COMMENTED_ADDRESS.matcher(text);
        assertThat(address.find(block)).as(file + ": a commented management.server.address").isTrue();
        assertThat(text.substring(block + MANAGEMENT_SERVER.length(), address.start()).lines())
                .as(file + ": the address among management.server's keys").allMatch(line -> line.startsWith("    "));
        assertThat(text).as(file.toString()).containsPattern("(?i)(no credentials|without authentication)")
                .contains("cluster-internal").contains("namespaces and show their sizes");
        String uncommented = text.substring(0, address.start()) + "    address: " + address.group(1)
                + text.substring(address.end());
        Path copy = Files.createTempFile("config", ".yml");
        try {
            Files.writeString(copy, uncommented);
            Binder binder = new Binder(ConfigurationPropertySources.from(
                    new YamlPropertySourceLoader().load(copy.toString(), new FileSystemResource(copy))));

            ManagementServerProperties management = binder.bindOrCreate("management.server",
                    Bindable.of(ManagementServerProperties.class),
                    new NoUnboundElementsBindHandler(BindHandler.DEFAULT));

            assertThat(management.getPort()).as(file + ": management.server.port").isEqualTo(5001);
            assertThat(management.getAddress()).as(file + ": management.server.address").isNotNull();
        } finally {
            Files.delete(copy);
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void noSecretIsWrittenDown(Path file) throws IOException {
        assertThat(Files.readString(file)).as(file.toString()).doesNotContainPattern(WRITTEN_SECRET);
    }
}
