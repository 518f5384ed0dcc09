package io.stowage.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import io.stowage.RegistryTestBase;
import io.stowage.clients.TestImages.Blob;
import io.stowage.clients.TestImages.Format;
import io.stowage.clients.TestImages.Image;
import io.stowage.clients.TestImages.ImageIndex;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jib core, the library behind the Jib Maven and Gradle plugins, pushing images it builds (its own
 * manifests, its own upload and cross-repository mount flow) to Stowage; skopeo then reads them back.
 */
class JibIT extends RegistryTestBase {

    @TempDir
    Path temp;

    private final List<String> jibLog = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void requireSkopeo() {
        Skopeo.require();
    }

    @Test
    void pushesImageBuiltFromScratch() throws Exception {
        String repository = uniqueRepository("jib-scratch");
        String reference = registryHost() + "/" + repository;
        JibContainerBuilder builder = Jib.fromScratch()
                .addFileEntriesLayer(applicationLayer())
                .setEntrypoint("/app/bin/run")
                .addLabel("io.stowage.test", "jib-scratch");

        JibContainer container = containerize(builder, reference + ":v1", "latest");

        assertEquals(Set.of("v1", "latest"), container.getTags());
        String digest = container.getDigest().toString();
        String imageId = container.getImageId().toString();
        for (String tag : List.of("v1", "latest")) {
            assertEquals(digest, servedDigest(repository, tag), "digest Stowage serves for " + tag);
        }

        byte[] manifest = Skopeo.succeed("inspect", "--tls-verify=false", "--raw", "docker://" + reference + ":v1")
                .stdoutBytes();
        assertEquals(digest, TestImages.sha256(manifest), "digest Jib reported is that of the bytes served");
        Map<?, ?> parsed = TestImages.readJson(manifest);
        assertEquals(TestImages.DOCKER_MANIFEST, parsed.get("mediaType"), "Jib's default format");
        assertLayersServed(repository, parsed);

        byte[] config = Skopeo.succeed("inspect", "--tls-verify=false", "--raw", "--config",
                "docker://" + reference + ":v1").stdoutBytes();
        assertEquals(imageId, TestImages.sha256(config), "Jib's image id is the config digest");
        Map<?, ?> runtime = (Map<?, ?>) TestImages.readJson(config).get("config");
        assertEquals(List.of("/app/bin/run"), runtime.get("Entrypoint"));

        Map<?, ?> inspected = TestImages.readJson(Skopeo.succeed("inspect", "--tls-verify=false",
                "docker://" + reference + ":latest").stdoutBytes());
        assertEquals(digest, inspected.get("Digest"));
        assertEquals(Map.of("io.stowage.test", "jib-scratch"), inspected.get("Labels"));
        assertEquals(layerDigests(parsed), inspected.get("Layers"));
    }

    @Test
    void pushesOciImageOnBaseImagePushedBefore() throws Exception {
        // The base lives in another repository: Jib mounts its layers across repositories.
        Image base = TestImages.randomImage(Format.OCI, "linux", "amd64", 2);
        Path layout = temp.resolve("base");
        TestImages.writeOciLayout(layout, "v1", base);
        String baseReference = registryHost() + "/" + uniqueRepository("jib-base") + ":v1";
        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layout + ":v1",
                "docker://" + baseReference);

        String repository = uniqueRepository("jib-app");
        JibContainerBuilder builder = Jib.from(RegistryImage.named(baseReference))
                .addFileEntriesLayer(applicationLayer())
                .setFormat(ImageFormat.OCI);
        JibContainer container = containerize(builder, registryHost() + "/" + repository + ":v1");
        String digest = container.getDigest().toString();
        assertEquals(digest, servedDigest(repository, "v1"));

        Path copy = temp.resolve("copy");
        Skopeo.succeed("copy", "--preserve-digests", "--src-tls-verify=false",
                "docker://" + registryHost() + "/" + repository + ":v1", "oci:" + copy + ":v1");
        assertEquals(digest, TestImages.layoutDescriptor(copy, "v1").get("digest"));
        Map<String, byte[]> blobs = TestImages.layoutBlobs(copy);
        Map<?, ?> manifest = TestImages.readJson(blobs.get(digest));
        assertEquals(TestImages.OCI_MANIFEST, manifest.get("mediaType"));
        assertEquals(container.getImageId().toString(), ((Map<?, ?>) manifest.get("config")).get("digest"));
        List<String> layers = layerDigests(manifest);
        assertThat(layers).as("base layers come first, then Jib's").hasSize(3)
                .startsWith(base.layers().stream().map(Blob::digest).toArray(String[]::new));
        for (Blob layer : base.layers()) {
            assertArrayEquals(layer.bytes(), blobs.get(layer.digest()), "base layer " + layer.digest());
        }
        assertLayersServed(repository, manifest);
    }

    @Test
    void pushesMultiPlatformImageOnMultiArchBase() throws Exception {
        ImageIndex base = TestImages.randomMultiArchIndex();
        Path layout = temp.resolve("base");
        TestImages.writeOciLayout(layout, "v1", base);
        String baseReference = registryHost() + "/" + uniqueRepository("jib-multibase") + ":v1";
        Skopeo.succeed("copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layout + ":v1",
                "docker://" + baseReference);

        String repository = uniqueRepository("jib-multiarch");
        String reference = registryHost() + "/" + repository + ":v1";
        JibContainerBuilder builder = Jib.from(RegistryImage.named(baseReference))
                .addFileEntriesLayer(applicationLayer())
                .setPlatforms(Set.of(new Platform("amd64", "linux"), new Platform("arm64", "linux")));
        JibContainer container = containerize(builder, reference);
        String digest = container.getDigest().toString();
        assertEquals(digest, servedDigest(repository, "v1"));

        byte[] list = Skopeo.succeed("inspect", "--tls-verify=false", "--raw", "docker://" + reference).stdoutBytes();
        assertEquals(digest, TestImages.sha256(list));
        Map<?, ?> parsed = TestImages.readJson(list);
        assertEquals(TestImages.DOCKER_MANIFEST_LIST, parsed.get("mediaType"), "Jib's default list format");
        List<String> architectures = new ArrayList<>();
        for (Object entry : (List<?>) parsed.get("manifests")) {
            Map<?, ?> descriptor = (Map<?, ?>) entry;
            String architecture = (String) ((Map<?, ?>) descriptor.get("platform")).get("architecture");
            architectures.add(architecture);
            Map<?, ?> inspected = TestImages.readJson(Skopeo.succeed("inspect", "--tls-verify=false",
                    "--override-os", "linux", "--override-arch", architecture, "docker://" + reference).stdoutBytes());
            assertEquals(architecture, inspected.get("Architecture"));
            Image platformBase = base.images().stream().filter(i -> i.architecture().equals(architecture))
                    .findFirst().orElseThrow();
            List<String> inspectedLayers = ((List<?>) inspected.get("Layers")).stream().map(String.class::cast).toList();
            assertThat(inspectedLayers).as("layers of the " + architecture + " image").hasSize(3)
                    .startsWith(platformBase.layers().stream().map(Blob::digest).toArray(String[]::new));
            byte[] platformManifest = Skopeo.succeed("inspect", "--tls-verify=false", "--raw",
                    "docker://" + registryHost() + "/" + repository + "@" + descriptor.get("digest")).stdoutBytes();
            assertEquals(descriptor.get("digest"), TestImages.sha256(platformManifest));
            assertLayersServed(repository, TestImages.readJson(platformManifest));
        }
        assertThat(architectures).containsExactlyInAnyOrder("amd64", "arm64");
    }

    /** A layer of a few files under {@code /app}, different on every run. */
    private FileEntriesLayer applicationLayer() throws Exception {
        Path files = Files.createDirectories(temp.resolve("app-files-" + UUID.randomUUID()));
        Files.writeString(files.resolve("run"), "#!/bin/sh\necho hello from jib\n");
        Files.writeString(files.resolve("nonce.txt"), UUID.randomUUID() + "\n");
        byte[] data = new byte[256 * 1024];
        new Random().nextBytes(data);
        Files.write(files.resolve("data.bin"), data);
        return FileEntriesLayer.builder()
                .setName("app")
                .addEntry(files.resolve("run"), AbsoluteUnixPath.get("/app/bin/run"))
                .addEntry(files.resolve("nonce.txt"), AbsoluteUnixPath.get("/app/nonce.txt"))
                .addEntry(files.resolve("data.bin"), AbsoluteUnixPath.get("/app/data.bin"))
                .build();
    }

    /** Pushes with Jib to {@code target} over plain HTTP, with caches of its own; Jib's log goes into failures. */
    private JibContainer containerize(JibContainerBuilder builder, String target, String... additionalTags)
            throws Exception {
        Containerizer containerizer = Containerizer.to(RegistryImage.named(target))
                .setAllowInsecureRegistries(true)
                .setBaseImageLayersCache(temp.resolve("jib-base-cache"))
                .setApplicationLayersCache(temp.resolve("jib-app-cache"))
                .setToolName("stowage-it")
                .addEventHandler(LogEvent.class, event -> jibLog.add(event.getLevel() + " " + event.getMessage()));
        for (String tag : additionalTags) {
            containerizer.withAdditionalTag(tag);
        }
        try {
            JibContainer container = builder.containerize(containerizer);
            assertThat(container.isImagePushed()).as("Jib pushed the image").isTrue();
            return container;
        } catch (Exception e) {
            throw new AssertionError("Jib failed to push " + target + ": " + e + "\nJib log:\n"
                    + String.join("\n", jibLog), e);
        }
    }

    private String servedDigest(String repository, String tag) throws Exception {
        HttpResponse<Void> response = http.send(request("/v2/" + repository + "/manifests/" + tag)
                .header("Accept", String.join(", ", TestImages.OCI_MANIFEST, TestImages.DOCKER_MANIFEST,
                        TestImages.OCI_INDEX, TestImages.DOCKER_MANIFEST_LIST))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(200, response.statusCode(), "HEAD manifest " + tag);
        return response.headers().firstValue("Docker-Content-Digest").orElse(null);
    }

    /** Every blob the manifest references can be downloaded from the repository with the right size and digest. */
    private void assertLayersServed(String repository, Map<?, ?> manifest) throws Exception {
        List<Map<?, ?>> descriptors = new ArrayList<>();
        descriptors.add((Map<?, ?>) manifest.get("config"));
        for (Object layer : (List<?>) manifest.get("layers")) {
            descriptors.add((Map<?, ?>) layer);
        }
        for (Map<?, ?> descriptor : descriptors) {
            String digest = (String) descriptor.get("digest");
            HttpResponse<byte[]> blob = http.send(request("/v2/" + repository + "/blobs/" + digest).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, blob.statusCode(), "GET blob " + digest);
            assertEquals(((Number) descriptor.get("size")).longValue(), blob.body().length, "size of " + digest);
            assertEquals(digest, TestImages.sha256(blob.body()), "content of " + digest);
        }
    }

    private static List<String> layerDigests(Map<?, ?> manifest) {
        return ((List<?>) manifest.get("layers")).stream().map(l -> (String) ((Map<?, ?>) l).get("digest")).toList();
    }
}
