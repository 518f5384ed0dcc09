package io.stowage.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import io.stowage.RegistryTestBase;
import io.stowage.accounts.Users;
import io.stowage.auth.TokenAuth;
import io.stowage.clients.TestImages.Blob;
import io.stowage.clients.TestImages.Format;
import io.stowage.clients.TestImages.Image;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Jib core with credentials ({@code Credential.from(user, password)}, as the Jib Maven and Gradle plugins pass
 * {@code to.auth}) against Stowage in token mode: it pulls a private base image and pushes the result into the
 * user's namespace, mounting the base layers from the user's other repository; without credentials, or into
 * someone else's namespace, it is refused.
 */
@TokenAuth
class JibAuthIT extends RegistryTestBase {

    private static final String PASSWORD = "jib-test-password";
    /** Jib sends credentials over plain HTTP only when told to; the test registry has no TLS. */
    private static final String SEND_CREDENTIALS_OVER_HTTP = "sendCredentialsOverHttp";

    private static String previousSendCredentials;

    @TempDir
    Path temp;

    @Autowired
    private Users users;

    private final List<String> jibLog = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void allowCredentialsOverHttp() {
        previousSendCredentials = System.setProperty(SEND_CREDENTIALS_OVER_HTTP, "true");
    }

    @AfterAll
    static void restoreCredentialsOverHttp() {
        if (previousSendCredentials == null) {
            System.clearProperty(SEND_CREDENTIALS_OVER_HTTP);
        } else {
            System.setProperty(SEND_CREDENTIALS_OVER_HTTP, previousSendCredentials);
        }
    }

    @BeforeEach
    void requireSkopeo() {
        Skopeo.require();
    }

    @Test
    void pushesOnAPrivateBaseImageIntoTheUsersNamespace() throws Exception {
        String user = newUser();
        Image base = TestImages.randomImage(Format.OCI, "linux", "amd64", 2);
        Path layout = temp.resolve("base");
        TestImages.writeOciLayout(layout, "v1", base);
        String baseReference = registryHost() + "/" + user + "/base:v1";
        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", user + ":" + PASSWORD,
                "oci:" + layout + ":v1", "docker://" + baseReference);

        String reference = registryHost() + "/" + user + "/app:v1";
        JibContainerBuilder builder = Jib.from(withCredential(RegistryImage.named(baseReference), user))
                .addFileEntriesLayer(applicationLayer())
                .setFormat(ImageFormat.OCI);
        JibContainer container = containerize(builder, reference, user);

        byte[] manifest = Skopeo.succeed("inspect", "--tls-verify=false", "--raw", "--creds", user + ":" + PASSWORD,
                "docker://" + reference).stdoutBytes();
        assertEquals(container.getDigest().toString(), TestImages.sha256(manifest), "the manifest Jib pushed");
        Map<?, ?> parsed = TestImages.readJson(manifest);
        List<String> layers = ((List<?>) parsed.get("layers")).stream()
                .map(l -> (String) ((Map<?, ?>) l).get("digest")).toList();
        assertThat(layers).as("base layers, then Jib's").hasSize(3)
                .startsWith(base.layers().stream().map(Blob::digest).toArray(String[]::new));
        Skopeo.run("inspect", "--tls-verify=false", "--no-creds", "docker://" + reference).assertFailure();
    }

    @Test
    void withoutCredentialsOrInAnotherNamespaceThePushIsRefused() throws Exception {
        String user = newUser();
        String own = registryHost() + "/" + user + "/app:v1";
        assertThatThrownBy(() -> containerize(Jib.fromScratch().addFileEntriesLayer(applicationLayer()), own, null))
                .hasCauseInstanceOf(RegistryUnauthorizedException.class);

        String foreign = registryHost() + "/" + newUser() + "/app:v1";
        assertThatThrownBy(() -> containerize(Jib.fromScratch().addFileEntriesLayer(applicationLayer()), foreign,
                user))
                .hasCauseInstanceOf(RegistryUnauthorizedException.class);
    }

    private String newUser() {
        String username = "j" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(users.create(username, PASSWORD, false)).isTrue();
        return username;
    }

    private static RegistryImage withCredential(RegistryImage image, String user) {
        return image.addCredentialRetriever(() -> Optional.of(Credential.from(user, PASSWORD)));
    }

    private FileEntriesLayer applicationLayer() throws Exception {
        Path files = Files.createDirectories(temp.resolve("app-" + UUID.randomUUID()));
        Files.writeString(files.resolve("nonce.txt"), UUID.randomUUID() + "\n");
        return FileEntriesLayer.builder().setName("app")
                .addEntry(files.resolve("nonce.txt"), AbsoluteUnixPath.get("/app/nonce.txt")).build();
    }

    /**
     * Pushes with Jib to {@code target} over plain HTTP, as {@code user} (null: without credentials), with caches of
     * its own; Jib's log goes into the failure message.
     */
    private JibContainer containerize(JibContainerBuilder builder, String target, String user) throws Exception {
        RegistryImage image = RegistryImage.named(target);
        Containerizer containerizer = Containerizer.to(user == null ? image : withCredential(image, user))
                .setAllowInsecureRegistries(true)
                .setBaseImageLayersCache(temp.resolve("jib-base-cache"))
                .setApplicationLayersCache(temp.resolve("jib-app-cache"))
                .setToolName("stowage-it")
                .addEventHandler(LogEvent.class, event -> jibLog.add(event.getLevel() + " " + event.getMessage()));
        try {
            JibContainer container = builder.containerize(containerizer);
            assertThat(container.isImagePushed()).as("Jib pushed the image").isTrue();
            return container;
        } catch (Exception e) {
            throw new JibFailure("Jib failed to push " + target + ": " + e + "\nJib log:\n"
                    + String.join("\n", jibLog), e);
        }
    }

    /** Jib's failure, with its log in the message. */
    private static final class JibFailure extends Exception {
        JibFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
