package io.stowage.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.process.StowageProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The pull-through cache in front of another Stowage with token auth (Docker's token flow: a challenge, a token from
 * its realm per scope), run from the packaged jar with a database of its own, as any remote Stowage would be.
 * skopeo ({@code --all}) and podman pull a multi-arch image and a Docker v2 image through the cache.
 */
class PullThroughStowageIT extends RegistryTestBase {

    private static final String ADMIN = "admin";
    private static final String PASSWORD = "upstream-admin-password";
    private static final String NAMESPACE = "stowage-cache";
    private static StowageProcess upstream;

    @TempDir
    Path temp;

    private static synchronized StowageProcess upstream() {
        if (upstream == null) {
            try {
                List<String> arguments = new java.util.ArrayList<>(
                        StowageProcess.databaseArguments("stowage_upstream_" + UUID.randomUUID().toString()
                                .substring(0, 8)));
                arguments.addAll(List.of("--stowage.auth.mode=token", "--stowage.auth.admin.username=" + ADMIN,
                        "--stowage.auth.admin.password=" + PASSWORD));
                upstream = StowageProcess.start(Files.createTempDirectory("stowage-upstream"),
                        List.of("-XX:+UseSerialGC", "-Xmx256m"), arguments);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return upstream;
    }

    @DynamicPropertySource
    static void cacheProperties(DynamicPropertyRegistry registry) {
        registry.add("stowage.proxy.upstreams.stowage.url", () -> upstream().baseUrl());
        registry.add("stowage.proxy.upstreams.stowage.namespace", () -> NAMESPACE);
        registry.add("stowage.proxy.upstreams.stowage.username", () -> ADMIN);
        registry.add("stowage.proxy.upstreams.stowage.password", () -> PASSWORD);
    }

    @AfterAll
    static void stopUpstream() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void skopeoAndPodmanPullThroughTheCacheOfAStowageWithTokenAuth() throws Exception {
        Skopeo.require();
        String host = URI.create(upstream().baseUrl()).getAuthority();
        String credentials = ADMIN + ":" + PASSWORD;
        String nonce = UUID.randomUUID().toString().substring(0, 8);
        TestImages.ImageIndex index = Skopeo.pushNewIndex(temp.resolve("index"),
                host + "/team/multi-" + nonce + ":v1", credentials);
        TestImages.Image docker = TestImages.randomImage(TestImages.Format.DOCKER_V2S2, "linux", "amd64", 2);
        TestImages.writeDirectory(temp.resolve("docker"), docker);
        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", credentials,
                "dir:" + temp.resolve("docker"), "docker://" + host + "/team/docker-" + nonce + ":1");

        Path pulled = temp.resolve("pulled-index");
        Skopeo.succeed("copy", "--all", "--src-tls-verify=false",
                "docker://" + registryHost() + "/" + NAMESPACE + "/team/multi-" + nonce + ":v1",
                "oci:" + pulled + ":v1");
        TestImages.assertLayoutHolds(pulled, "v1", index);

        Podman.require();
        Podman podman = new Podman(temp.resolve("podman"));
        String id = podman.succeed("pull", "--quiet", "--tls-verify=false", podman.signaturePolicy(),
                registryHost() + "/" + NAMESPACE + "/team/docker-" + nonce + ":1").stdout().strip();
        assertThat(id).isEqualTo(docker.imageId());
        Path dir = temp.resolve("pulled-docker");
        Skopeo.succeed("copy", "--src-tls-verify=false",
                "docker://" + registryHost() + "/" + NAMESPACE + "/team/docker-" + nonce + ":1", "dir:" + dir);
        assertThat(Files.readAllBytes(dir.resolve("manifest.json"))).isEqualTo(docker.manifest().bytes());
    }
}
