package io.stowage.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import io.stowage.RegistryTestBase;
import io.stowage.auth.TokenAuth;
import io.stowage.registry.Digest;
import org.junit.jupiter.api.Test;

/**
 * The upstream client against real registries on loopback: this test's Stowage with token auth (Docker's token flow:
 * a challenge, a token from the realm, kept per scope) and CNCF distribution with htpasswd basic auth.
 */
@TokenAuth
class RegistryClientIT extends RegistryTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private URI stowage() {
        return URI.create(baseUrl());
    }

    @Test
    void pullsFromStowageWithATokenKeptPerScope() throws Exception {
        String repository = uniqueRepository("upstream");
        UpstreamImages.Pushed image = UpstreamImages.push(stowage(),
                UpstreamImages.basic(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD), repository, "1.0", 1);
        RegistryClient client = new RegistryClient(stowage(),
                new RegistryClient.Credentials(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD), TIMEOUT);

        assertPullsEverything(client, image);
        assertThat(client.tokensFetched()).as("one token for the repository's pull scope, reused").isEqualTo(1);
        assertThat(client.bytesFetched()).isEqualTo(2L * image.manifest().length + image.layer().length);
        assertThat(client.headManifest(repository, "no-such-tag")).isEmpty();
        assertThat(client.getManifest(repository, "no-such-tag")).isEmpty();
        assertThat(client.openBlob(repository, Digest.compute("sha256", new byte[] {1, 2, 3}))).isEmpty();

        String other = uniqueRepository("upstream-other");
        UpstreamImages.push(stowage(), UpstreamImages.basic(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD), other,
                "latest", 2);
        assertThat(client.headManifest(other, "latest")).isPresent();
        assertThat(client.tokensFetched()).as("another repository, another scope").isEqualTo(2);
    }

    @Test
    void pullsPublicRepositoriesAnonymouslyAndNamesARefusal() throws Exception {
        String open = "public-by-config/upstream-" + System.nanoTime();
        UpstreamImages.Pushed image = UpstreamImages.push(stowage(),
                UpstreamImages.basic(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD), open, "1.0", 3);
        RegistryClient anonymous = new RegistryClient(stowage(), null, TIMEOUT);
        assertPullsEverything(anonymous, image);

        String closed = uniqueRepository("upstream-private");
        UpstreamImages.push(stowage(), UpstreamImages.basic(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD), closed,
                "1.0", 4);
        assertThatThrownBy(() -> anonymous.headManifest(closed, "1.0")).isInstanceOfSatisfying(
                UpstreamException.class, e -> assertThat(e.problem()).isEqualTo(UpstreamException.Problem.UNAUTHORIZED));

        RegistryClient wrong = new RegistryClient(stowage(),
                new RegistryClient.Credentials(TokenAuth.ADMIN, "not-the-password"), TIMEOUT);
        assertThatThrownBy(() -> wrong.getManifest(closed, "1.0")).isInstanceOfSatisfying(UpstreamException.class,
                e -> {
                    assertThat(e.problem()).isEqualTo(UpstreamException.Problem.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains(baseUrl()).contains("refused the credentials");
                });
    }

    @Test
    void pullsFromDistributionWithBasicCredentials() throws Exception {
        try (DistributionUpstream distribution = DistributionUpstream.start("puller", "puller-password")) {
            UpstreamImages.Pushed image = UpstreamImages.push(distribution.url(),
                    UpstreamImages.basic("puller", "puller-password"), "library/app", "1.0", 5);
            RegistryClient client = new RegistryClient(distribution.url(),
                    new RegistryClient.Credentials("puller", "puller-password"), TIMEOUT);
            assertPullsEverything(client, image);
            assertThat(client.tokensFetched()).as("basic auth needs no token").isZero();
            assertThat(client.headManifest("library/app", "2.0")).isEmpty();

            for (RegistryClient refused : new RegistryClient[] {new RegistryClient(distribution.url(), null, TIMEOUT),
                    new RegistryClient(distribution.url(), new RegistryClient.Credentials("puller", "wrong"),
                            TIMEOUT)}) {
                assertThatThrownBy(() -> refused.headManifest("library/app", "1.0")).isInstanceOfSatisfying(
                        UpstreamException.class,
                        e -> assertThat(e.problem()).isEqualTo(UpstreamException.Problem.UNAUTHORIZED));
            }
        }
    }

    @Test
    void anUpstreamThatIsDownIsUnreachable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RegistryClient client = new RegistryClient(URI.create("http://127.0.0.1:" + port), null, TIMEOUT);
        assertThatThrownBy(() -> client.headManifest("library/app", "1.0")).isInstanceOfSatisfying(
                UpstreamException.class, e -> {
                    assertThat(e.problem()).isEqualTo(UpstreamException.Problem.UNREACHABLE);
                    assertThat(e.getMessage()).contains("127.0.0.1:" + port).contains("cannot be reached");
                });
    }

    private static void assertPullsEverything(RegistryClient client, UpstreamImages.Pushed image) throws Exception {
        RegistryClient.ManifestHead head = client.headManifest(image.repository(), image.tag()).orElseThrow();
        assertThat(head.digest().toString()).isEqualTo(image.manifestDigest());
        assertThat(head.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(head.size()).isEqualTo(image.manifest().length);
        RegistryClient.Manifest byTag = client.getManifest(image.repository(), image.tag()).orElseThrow();
        assertThat(byTag.payload()).isEqualTo(image.manifest());
        assertThat(byTag.digest().toString()).isEqualTo(image.manifestDigest());
        RegistryClient.Manifest byDigest = client.getManifest(image.repository(), image.manifestDigest())
                .orElseThrow();
        assertThat(byDigest.payload()).isEqualTo(image.manifest());
        try (RegistryClient.Blob blob = client.openBlob(image.repository(), Digest.parse(image.layerDigest()))
                .orElseThrow()) {
            assertThat(blob.size()).isEqualTo(image.layer().length);
            assertThat(blob.body().readAllBytes()).isEqualTo(image.layer());
        }
    }
}
