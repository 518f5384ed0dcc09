package io.stowage.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.stowage.RegistryTestBase;
import io.stowage.clients.TestImages.Blob;
import io.stowage.clients.TestImages.Format;
import io.stowage.clients.TestImages.Image;
import io.stowage.clients.TestImages.ImageIndex;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skopeo 1.x (containers/image) copying images into and out of Stowage, which must keep every byte. */
class SkopeoIT extends RegistryTestBase {

    @TempDir
    Path temp;

    @BeforeEach
    void requireSkopeo() {
        Skopeo.require();
    }

    @Test
    void multiArchOciIndexRoundTripsByteForByte() throws Exception {
        assertMultiArchRoundTrip(TestImages.randomMultiArchIndex(), "skopeo-multiarch");
    }

    @Test
    void manifestsWithoutMediaTypeKeepTheirBytesAndContentType() throws Exception {
        // containers/image sends such manifests with the Content-Type it infers; Stowage must store and serve that.
        ImageIndex index = TestImages.randomMultiArchIndex(false);
        String repository = assertMultiArchRoundTrip(index, "skopeo-no-mediatype");

        assertServedAs(repository, index.index(), TestImages.OCI_INDEX);
        for (Image platform : index.images()) {
            assertEquals(null, TestImages.readJson(platform.manifest().bytes()).get("mediaType"));
            assertServedAs(repository, platform.manifest(), TestImages.OCI_MANIFEST);
        }
    }

    /** Copies {@code index} in and out with skopeo, checks every byte, returns the repository used. */
    private String assertMultiArchRoundTrip(ImageIndex index, String prefix) throws Exception {
        String repository = uniqueRepository(prefix);
        Path source = temp.resolve("source");
        Path copy = temp.resolve("copy");
        TestImages.writeOciLayout(source, "v1", index);
        String image = "docker://" + registryHost() + "/" + repository + ":v1";

        Skopeo.succeed("copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "oci:" + source + ":v1", image);
        Skopeo.succeed("copy", "--all", "--preserve-digests", "--src-tls-verify=false", image, "oci:" + copy + ":v1");

        Map<String, Object> top = TestImages.layoutDescriptor(copy, "v1");
        assertEquals(index.index().digest(), top.get("digest"), "the tag must still name the same index");
        assertEquals(TestImages.OCI_INDEX, top.get("mediaType"));
        Map<String, byte[]> sent = TestImages.layoutBlobs(source);
        Map<String, byte[]> received = TestImages.layoutBlobs(copy);
        assertThat(received.keySet()).as("blobs and manifests copied back out").isEqualTo(sent.keySet());
        for (Map.Entry<String, byte[]> blob : sent.entrySet()) {
            assertArrayEquals(blob.getValue(), received.get(blob.getKey()), blob.getKey());
            assertEquals(blob.getKey(), TestImages.sha256(received.get(blob.getKey())), "content of " + blob.getKey());
        }
        assertArrayEquals(index.index().bytes(), received.get(index.index().digest()), "index bytes");

        // skopeo picks each platform's image out of the index Stowage serves.
        for (Image platform : index.images()) {
            Map<?, ?> inspected = TestImages.readJson(Skopeo.succeed("inspect", "--tls-verify=false",
                    "--override-os", platform.os(), "--override-arch", platform.architecture(), image).stdoutBytes());
            // skopeo reports the digest of the manifest the reference names, the index; the rest is the platform's.
            assertEquals(index.index().digest(), inspected.get("Digest"));
            assertEquals(platform.architecture(), inspected.get("Architecture"));
            assertEquals(platform.layers().stream().map(Blob::digest).toList(), inspected.get("Layers"));
        }
        return repository;
    }

    private void assertServedAs(String repository, Blob manifest, String contentType) throws Exception {
        HttpResponse<byte[]> served = http.send(request("/v2/" + repository + "/manifests/" + manifest.digest())
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, served.statusCode(), () -> new String(served.body(), StandardCharsets.UTF_8));
        assertEquals(contentType, served.headers().firstValue("Content-Type").orElse(null), manifest.digest());
        assertArrayEquals(manifest.bytes(), served.body(), manifest.digest());
    }

    @Test
    void dockerV2s2ImageRoundTripsUnchanged() throws Exception {
        Image image = TestImages.randomImage(Format.DOCKER_V2S2, "linux", "amd64", 3);
        Path source = temp.resolve("source");
        Path copy = temp.resolve("copy");
        TestImages.writeDirectory(source, image);
        String repository = uniqueRepository("skopeo-docker");
        String reference = "docker://" + registryHost() + "/" + repository + ":latest";

        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "dir:" + source, reference);
        Skopeo.succeed("copy", "--preserve-digests", "--src-tls-verify=false", reference, "dir:" + copy);

        byte[] manifest = TestImages.readBytes(copy.resolve("manifest.json"));
        assertArrayEquals(image.manifest().bytes(), manifest, "manifest bytes");
        assertEquals(TestImages.DOCKER_MANIFEST, TestImages.readJson(manifest).get("mediaType"));
        for (Blob blob : image.blobs()) {
            assertArrayEquals(blob.bytes(), TestImages.readBytes(copy.resolve(blob.hex())), blob.digest());
        }

        HttpResponse<byte[]> served = http.send(request("/v2/" + repository + "/manifests/latest")
                .header("Accept", TestImages.DOCKER_MANIFEST).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, served.statusCode());
        assertEquals(TestImages.DOCKER_MANIFEST, served.headers().firstValue("Content-Type").orElse(null),
                "Stowage must serve the manifest as Docker v2 schema 2");
        assertEquals(image.manifest().digest(), served.headers().firstValue("Docker-Content-Digest").orElse(null));
    }

    @Test
    @SuppressWarnings("unchecked")
    void listTagsShowsEveryTag() {
        Image image = TestImages.randomImage(Format.OCI, "linux", "amd64", 1);
        Path source = temp.resolve("source");
        TestImages.writeOciLayout(source, "v1", image);
        String repository = "docker://" + registryHost() + "/" + uniqueRepository("skopeo-tags");

        Skopeo.succeed("copy", "--dest-tls-verify=false", "oci:" + source + ":v1", repository + ":1.0");
        // Registry to registry: skopeo finds every blob present and only pushes the manifest again.
        Skopeo.succeed("copy", "--src-tls-verify=false", "--dest-tls-verify=false", repository + ":1.0",
                repository + ":latest");
        Skopeo.succeed("copy", "--src-tls-verify=false", "--dest-tls-verify=false", repository + ":1.0",
                repository + ":stable");

        ClientCommand.Result listed = Skopeo.succeed("list-tags", "--tls-verify=false", repository);
        Map<?, ?> tags = TestImages.readJson(listed.stdoutBytes());
        assertThat((List<Object>) tags.get("Tags")).as(listed.describe())
                .containsExactlyInAnyOrder("1.0", "latest", "stable");
    }

    @Test
    void deletedImageCannotBeInspected() {
        Image image = TestImages.randomImage(Format.OCI, "linux", "amd64", 1);
        Path source = temp.resolve("source");
        TestImages.writeOciLayout(source, "v1", image);
        String repository = "docker://" + registryHost() + "/" + uniqueRepository("skopeo-delete");

        Skopeo.succeed("copy", "--dest-tls-verify=false", "oci:" + source + ":v1", repository + ":doomed");
        Skopeo.succeed("inspect", "--tls-verify=false", repository + ":doomed");

        // skopeo resolves the tag and deletes the manifest by digest.
        Skopeo.succeed("delete", "--tls-verify=false", repository + ":doomed");

        ClientCommand.Result byTag = Skopeo.run("inspect", "--tls-verify=false", repository + ":doomed").assertFailure();
        assertThat(byTag.stderr()).as(byTag.describe()).containsIgnoringCase("manifest unknown");
        Skopeo.run("inspect", "--tls-verify=false", "--raw", repository + "@" + image.manifest().digest())
                .assertFailure();
    }

    @Test
    void inspectRawReturnsTheExactManifestBytes() {
        ImageIndex index = TestImages.randomMultiArchIndex();
        Image docker = TestImages.randomImage(Format.DOCKER_V2S2, "linux", "amd64", 1);
        Path layout = temp.resolve("layout");
        Path dir = temp.resolve("dir");
        TestImages.writeOciLayout(layout, "v1", index);
        TestImages.writeDirectory(dir, docker);
        String repository = "docker://" + registryHost() + "/" + uniqueRepository("skopeo-raw");

        Skopeo.succeed("copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layout + ":v1",
                repository + ":multi");
        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "dir:" + dir, repository + ":docker");

        assertRaw(index.index().bytes(), repository + ":multi");
        assertRaw(index.index().bytes(), repository + "@" + index.index().digest());
        for (Image platform : index.images()) {
            assertRaw(platform.manifest().bytes(), repository + "@" + platform.manifest().digest());
            assertArrayEquals(platform.config().bytes(), Skopeo.succeed("inspect", "--tls-verify=false", "--raw",
                    "--config", repository + "@" + platform.manifest().digest()).stdoutBytes(), "config bytes");
        }
        assertRaw(docker.manifest().bytes(), repository + ":docker");
        assertRaw(docker.manifest().bytes(), repository + "@" + docker.manifest().digest());
    }

    private static void assertRaw(byte[] expected, String reference) {
        ClientCommand.Result raw = Skopeo.succeed("inspect", "--tls-verify=false", "--raw", reference);
        assertEquals(new String(expected, StandardCharsets.UTF_8), raw.stdout(), reference);
        assertArrayEquals(expected, raw.stdoutBytes(), reference);
    }
}
