package io.stowage.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.clients.TestImages.Format;
import io.stowage.clients.TestImages.Image;
import io.stowage.clients.TestImages.ImageIndex;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * podman 4 pushing images from its own store (manifests it converts, builds or lists itself, not only
 * copies) and pulling them back into an emptied store; and pulling one platform out of an index, also
 * when the manifests have no {@code mediaType} and only the Content-Type Stowage serves says what they are.
 */
class PodmanIT extends RegistryTestBase {

    @TempDir
    Path temp;

    private Podman podman;

    @BeforeEach
    void startPodman() {
        Podman.require();
        podman = new Podman(temp.resolve("podman"));
    }

    @Test
    void pushesOciImageAndPullsItBack() throws Exception {
        Image image = loadGeneratedImage(Format.OCI);
        String reference = registryHost() + "/" + uniqueRepository("podman-oci") + ":v1";
        String digest = pushAndForget(image, reference, null);

        Map<?, ?> served = assertServed(reference, digest);
        String contentType = (String) served.get("Content-Type");
        assertEquals(TestImages.OCI_MANIFEST, contentType,
                "podman pushes what it stored, an OCI manifest; served: " + served);

        pullBackAndCompare(image, reference, digest);
    }

    @Test
    void pushesDockerV2s2ImageAndPullsItBack() throws Exception {
        Image image = loadGeneratedImage(Format.OCI);
        String reference = registryHost() + "/" + uniqueRepository("podman-v2s2") + ":v1";
        String digest = pushAndForget(image, reference, "v2s2");

        Map<?, ?> served = assertServed(reference, digest);
        assertEquals(TestImages.DOCKER_MANIFEST, served.get("Content-Type"), served.toString());
        assertEquals(TestImages.DOCKER_MANIFEST, served.get("mediaType"), served.toString());

        pullBackAndCompare(image, reference, digest);
    }

    @Test
    void pushesImageItBuiltAndPullsItBack() throws Exception {
        String id = buildFromScratch(hostArchitecture());
        String reference = registryHost() + "/" + uniqueRepository("podman-built") + ":v1";
        String digest = pushAndForget(id, reference, null);

        Map<?, ?> served = assertServed(reference, digest);
        assertEquals(TestImages.OCI_MANIFEST, served.get("Content-Type"), served.toString());

        String pulled = podman.succeed("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(), reference)
                .stdout().strip();
        assertEquals(id, pulled, "image id after the round trip");
        assertEquals(digest, podman.succeed("image", "inspect", "--format", "{{.Digest}}", reference).stdout().strip());
    }

    @Test
    void pushesManifestListAndPullsEachPlatform() throws Exception {
        // podman's own multi-arch workflow: its lists are Docker manifest lists, here over OCI manifests.
        String amd64 = buildFromScratch("amd64");
        Image arm64 = TestImages.randomImage(Format.OCI, "linux", "arm64", 1);
        Path layout = temp.resolve("arm64-layout");
        TestImages.writeOciLayout(layout, "v1", arm64);
        String list = "localhost/stowage-test-list:v1";
        podman.succeed("manifest", "create", list);
        podman.succeed("manifest", "add", list, "containers-storage:" + amd64);
        podman.succeed("manifest", "add", list, "oci:" + layout + ":v1");

        String reference = registryHost() + "/" + uniqueRepository("podman-list") + ":v1";
        Path digestFile = temp.resolve("list-digest");
        // manifest push has no --signature-policy: it reads /etc/containers/policy.json (containers-common).
        podman.succeed("manifest", "push", "--all", "--tls-verify=false",
                "--digestfile", digestFile.toString(), list, "docker://" + reference);
        String digest = Files.readString(digestFile).strip();
        Map<?, ?> served = assertServed(reference, digest);
        assertEquals(served.get("mediaType"), served.get("Content-Type"), served.toString());

        podman.succeed("manifest", "rm", list);
        podman.succeed("rmi", "--all", "--force");
        assertEquals("", podman.succeed("images", "--quiet").stdout().strip(), "the store should be empty");

        String pulledAmd64 = podman.succeed("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(),
                "--platform", "linux/amd64", reference).stdout().strip();
        assertEquals(amd64, pulledAmd64, "linux/amd64 image id");
        String pulledArm64 = podman.succeed("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(),
                "--platform", "linux/arm64", reference).stdout().strip();
        assertEquals(arm64.imageId(), pulledArm64, "linux/arm64 image id");
    }

    /** With {@code declareMediaType} false, podman must go by the Content-Type Stowage serves the manifests with. */
    @ParameterizedTest(name = "manifests declare mediaType: {0}")
    @ValueSource(booleans = {true, false})
    void pullsThePlatformAskedForFromAnIndex(boolean declareMediaType) {
        Skopeo.require();
        ImageIndex index = TestImages.randomMultiArchIndex(declareMediaType);
        Path layout = temp.resolve("layout");
        TestImages.writeOciLayout(layout, "v1", index);
        String reference = registryHost() + "/" + uniqueRepository("podman-multiarch") + ":v1";
        Skopeo.succeed("copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layout + ":v1",
                "docker://" + reference);

        for (Image platform : index.images()) {
            String id = podman.succeed("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(),
                    "--platform", platform.os() + "/" + platform.architecture(), reference).stdout().strip();
            assertEquals(platform.imageId(), id, "image pulled for " + platform.architecture());
            String architecture = podman.succeed("image", "inspect", "--format", "{{.Architecture}}", id)
                    .stdout().strip();
            assertEquals(platform.architecture(), architecture);
        }
    }

    /** Writes a random image for this machine's architecture to an OCI layout and pulls it into podman. */
    private Image loadGeneratedImage(Format format) {
        Image image = TestImages.randomImage(format, "linux", hostArchitecture(), 2);
        Path layout = temp.resolve("layout");
        TestImages.writeOciLayout(layout, "v1", image);
        String id = podman.succeed("pull", "--quiet", podman.signaturePolicy(), "oci:" + layout + ":v1")
                .stdout().strip();
        assertEquals(image.imageId(), id, "podman's image id is the config digest");
        return image;
    }

    /** Builds a one-layer image {@code FROM scratch} with podman (no container runs) and returns its id. */
    private String buildFromScratch(String architecture) throws Exception {
        Path context = Files.createDirectories(temp.resolve("context-" + architecture));
        Files.writeString(context.resolve("hello.txt"), "hello " + UUID.randomUUID() + "\n");
        Files.writeString(context.resolve("Containerfile"), """
                FROM scratch
                COPY hello.txt /hello.txt
                CMD ["/hello.txt"]
                """);
        podman.succeed("build", "--quiet", "--arch", architecture, "--iidfile", context.resolve("iid").toString(),
                "--tag", "localhost/stowage-test-built-" + architecture + ":v1", context.toString());
        String id = Files.readString(context.resolve("iid")).strip();
        return id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
    }

    /**
     * Tags the stored image as {@code reference}, pushes it to Stowage and removes it from podman's store.
     * Returns the manifest digest podman reports for the push.
     */
    private String pushAndForget(Image image, String reference, String format) throws Exception {
        return pushAndForget(image.imageId(), reference, format);
    }

    private String pushAndForget(String imageId, String reference, String format) throws Exception {
        podman.succeed("tag", imageId, reference);
        Path digestFile = temp.resolve("pushed-digest");
        if (format == null) {
            podman.succeed("push", "--tls-verify=false", podman.signaturePolicy(), "--digestfile", digestFile.toString(),
                    reference);
        } else {
            podman.succeed("push", "--tls-verify=false", podman.signaturePolicy(), "--digestfile", digestFile.toString(),
                    "--format", format, reference);
        }
        String digest = Files.readString(digestFile).strip();

        podman.succeed("rmi", "--force", imageId);
        ClientCommand.Result exists = podman.run("image", "exists", imageId);
        assertEquals(1, exists.exitCode(), () -> "the image should be gone locally: " + exists.describe());
        return digest;
    }

    /**
     * Checks that Stowage resolves the tag to the digest podman pushed and serves manifest bytes with that
     * digest. Returns the manifest's {@code mediaType} (absent when podman left it out) and the
     * Content-Type Stowage served it with.
     */
    private Map<?, ?> assertServed(String reference, String digest) throws Exception {
        String repository = reference.substring(registryHost().length() + 1, reference.lastIndexOf(':'));
        String tag = reference.substring(reference.lastIndexOf(':') + 1);
        HttpResponse<byte[]> response = http.send(request("/v2/" + repository + "/manifests/" + tag)
                .header("Accept", String.join(", ", TestImages.OCI_MANIFEST, TestImages.DOCKER_MANIFEST,
                        TestImages.OCI_INDEX, TestImages.DOCKER_MANIFEST_LIST))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), () -> new String(response.body()));
        assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElse(null));
        assertEquals(digest, TestImages.sha256(response.body()), "served bytes hash to the pushed digest");
        Map<?, ?> manifest = TestImages.readJson(response.body());
        Map<String, Object> result = new HashMap<>();
        result.put("Content-Type", response.headers().firstValue("Content-Type").orElse(null));
        if (manifest.containsKey("mediaType")) {
            result.put("mediaType", manifest.get("mediaType"));
            assertEquals(manifest.get("mediaType"), result.get("Content-Type"), "Content-Type of a manifest");
        }
        return result;
    }

    /** Pulls {@code reference} into podman's emptied store and checks it is the image that was pushed. */
    private void pullBackAndCompare(Image image, String reference, String digest) {
        String id = podman.succeed("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(), reference)
                .stdout().strip();
        assertEquals(image.imageId(), id, "image id (config digest) after the round trip");
        String pulledDigest = podman.succeed("image", "inspect", "--format", "{{.Digest}}", reference).stdout().strip();
        assertEquals(digest, pulledDigest, "manifest digest after the round trip");
        String diffIds = podman.succeed("image", "inspect", "--format", "{{json .RootFS.Layers}}", reference)
                .stdout().strip();
        assertArrayEquals(image.diffIds().toArray(), TestImages.readJsonList(diffIds).toArray(),
                "uncompressed layers after the round trip");
    }

    private static String hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }
}
