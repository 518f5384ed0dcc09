package io.stowage.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.stowage.admin.AdminApiTestBase;
import io.stowage.auth.TokenAuth;
import io.stowage.clients.TestImages.Image;
import io.stowage.clients.TestImages.ImageIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI's manifest page over a multi-arch index pushed with skopeo: the index's platforms, an image's layers,
 * config, history and referrers, over plain HTTP (UiJourneyIT walks the same pages in a browser); and who may see it,
 * as for the repository page. In this package for {@link TestImages}.
 */
@TokenAuth
class UiManifestIT extends AdminApiTestBase {

    private static final String PASSWORD = "ui-password-1";
    private static final String SBOM = "application/vnd.example.sbom.v1+json";

    @TempDir
    Path temp;

    /** Pushes a fresh two-platform index as {@code repository:v1} with skopeo --all. */
    private ImageIndex pushIndex(String repository) {
        return Skopeo.pushNewIndex(temp.resolve("layout-" + repository.replace('/', '-')),
                registryHost() + "/" + repository + ":v1", TokenAuth.ADMIN + ":" + TokenAuth.ADMIN_PASSWORD);
    }

    /** Attaches an SBOM-like artifact to {@code subject} through /v2/; returns the artifact's digest. */
    private String attachSbom(String repository, Image subject) throws Exception {
        String empty = pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8), ADMIN);
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "artifactType":"%s",
                 "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},
                 "layers":[{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2}],
                 "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%d}}
                """.formatted(SBOM, empty, empty, subject.manifest().digest(), subject.manifest().size());
        byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
        String digest = sha256(bytes);
        HttpResponse<String> put = send(request("/v2/" + repository + "/manifests/" + digest)
                .header("Authorization", ADMIN).header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return digest;
    }

    @Test
    void theManifestPageShowsPlatformsLayersConfigHistoryAndReferrers() throws Exception {
        String user = newUser(PASSWORD, false);
        String repository = user + "/" + unique("multi");
        ImageIndex index = pushIndex(repository);
        Image amd64 = index.images().getFirst();
        String sbom = attachSbom(repository, amd64);
        String cookie = signIn(user, PASSWORD);

        String repositoryPage = page("/ui/repositories/" + repository, cookie).body();
        assertThat(repositoryPage).contains("href=\"/ui/repositories/" + repository + "/-/manifests/v1\"")
                .contains("href=\"/ui/repositories/" + repository + "/-/manifests/" + index.index().digest() + "\"");
        // The tag's size is what pulling every platform fetches: the index, each image's manifest, config, layers.
        long everything = index.index().size();
        for (Image image : index.images()) {
            everything += image.manifest().size() + image.config().size()
                    + image.layers().stream().mapToLong(TestImages.Blob::size).sum();
        }
        assertThat(repositoryPage).contains("data-label=\"Size\" class=\"num\">" + TestImages.uiSize(everything) + "<");

        HttpResponse<String> indexPage = page("/ui/repositories/" + repository + "/-/manifests/v1", cookie);
        assertThat(indexPage.statusCode()).isEqualTo(200);
        assertThat(indexPage.body()).contains("Index (multi-platform)").contains(index.index().digest())
                .contains("data-platform=\"linux/amd64\"").contains("data-platform=\"linux/arm64\"");
        for (Image image : index.images()) {
            assertThat(indexPage.body()).contains("/-/manifests/" + image.manifest().digest() + "\"");
        }

        HttpResponse<String> imagePage = page("/ui/repositories/" + repository + "/-/manifests/"
                + amd64.manifest().digest(), cookie);
        assertThat(imagePage.statusCode()).isEqualTo(200);
        String body = imagePage.body();
        assertThat(body).contains("Image manifest").contains("application/vnd.oci.image.manifest.v1+json");
        long total = 0;
        for (TestImages.Blob layer : amd64.layers()) {
            assertThat(body).contains(layer.digest().substring(7, 19)).contains(TestImages.uiSize(layer.size()));
            total += layer.size();
        }
        assertThat(body).contains(TestImages.uiSize(total));
        assertThat(count(body, "class=\"layer\"")).isEqualTo(2);
        // Config fields read from the config blob.
        assertThat(body).contains("linux/amd64").contains("PATH=/usr/local/sbin").contains("/layer0/hello.txt")
                .contains("8080/tcp").contains("io.stowage.test.nonce=");
        // History as docker history shows it: a layer's size per step, 0 B for the step without one.
        assertThat(count(body, "class=\"history\"")).isEqualTo(3);
        assertThat(body).contains("stowage test layer 0").contains("stowage test layer 1")
                .contains("EXPOSE 8080/tcp").contains(">0 B<").contains("no layer");
        assertThat(body.indexOf("stowage test layer 1")).isLessThan(body.indexOf("EXPOSE 8080/tcp"));
        // Annotations and the attached referrer.
        assertThat(body).contains("io.stowage.test.nonce").contains(SBOM)
                .contains("/-/manifests/" + sbom + "\"");

        HttpResponse<String> missing = page("/ui/repositories/" + repository + "/-/manifests/nope", cookie);
        assertThat(missing.statusCode()).isEqualTo(404);
        HttpResponse<String> malformed = page("/ui/repositories/" + repository + "/-/manifests/sha256:zz", cookie);
        assertThat(malformed.statusCode()).isEqualTo(404);
    }

    /** Pushes an image manifest over {@code config} (an OCI image config) and one small layer; its digest. */
    private String pushWithConfig(String repository, String tag, byte[] config) throws Exception {
        String configDigest = pushBlob(repository, config, ADMIN);
        byte[] layer = ("layer " + unique("l")).getBytes(StandardCharsets.UTF_8);
        String layerDigest = pushBlob(repository, layer, ADMIN);
        byte[] manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}]}
                """.formatted(configDigest, config.length, layerDigest, layer.length).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = send(request("/v2/" + repository + "/manifests/" + tag)
                .header("Authorization", ADMIN).header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return sha256(manifest);
    }

    @Test
    void aBareConfigShowsWhatItHasAndAnOversizedOneIsNotRead() throws Exception {
        String repository = "uimanifest/" + unique("configs");
        pushWithConfig(repository, "bare", "{}".getBytes(StandardCharsets.UTF_8));
        byte[] huge = ("{\"os\":\"linux\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        pushWithConfig(repository, "huge", huge);
        HttpResponse<String> made = call("PUT", "/api/v1/repositories/" + repository, ADMIN,
                Map.of("visibility", "public"));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);

        HttpResponse<String> bare = page("/ui/repositories/" + repository + "/-/manifests/bare", null);
        assertThat(bare.statusCode()).isEqualTo(200);
        assertThat(bare.body()).contains("class=\"facts config\"").contains("No history recorded.")
                .doesNotContain("config-note");
        assertThat(count(bare.body(), "class=\"layer\"")).isEqualTo(1);

        HttpResponse<String> oversized = page("/ui/repositories/" + repository + "/-/manifests/huge", null);
        assertThat(oversized.statusCode()).isEqualTo(200);
        assertThat(oversized.body()).contains("The config is too large to show here.")
                .doesNotContain("class=\"facts config\"");
    }

    @Test
    void theManifestPageHasTheRepositoryPagesPermissions() throws Exception {
        String owner = newUser(PASSWORD, false);
        String repository = owner + "/" + unique("closed");
        pushIndex(repository);
        String path = "/ui/repositories/" + repository + "/-/manifests/v1";

        HttpResponse<String> anonymous = page(path, null);
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).contains("/ui/login?next=").contains(encode(path)));

        String stranger = signIn(newUser(PASSWORD, false), PASSWORD);
        assertThat(page(path, stranger).statusCode()).isEqualTo(404);
        assertThat(page(path, signIn(owner, PASSWORD)).statusCode()).isEqualTo(200);

        HttpResponse<String> published = call("PUT", "/api/v1/repositories/" + repository, ADMIN,
                Map.of("visibility", "public"));
        assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
        assertThat(page(path, null).statusCode()).isEqualTo(200);
        assertThat(page(path, stranger).statusCode()).isEqualTo(200);
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }

    private String signIn(String user, String password) throws Exception {
        return new io.stowage.ui.UiForms(http, baseUrl()).signIn(user, password);
    }

    private HttpResponse<String> page(String path, String cookie) throws Exception {
        HttpRequest.Builder request = request(path).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return send(request.build());
    }
}
