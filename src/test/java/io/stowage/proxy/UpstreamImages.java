package io.stowage.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

/**
 * Pushes a small OCI image (a config and one layer of random bytes) to any registry over plain HTTP with basic
 * credentials, as a client would: monolithic blob uploads following each {@code Location}, then the manifest.
 */
public final class UpstreamImages {

    /** What was pushed: the manifest's bytes and digest, and the layer's. */
    public record Pushed(String repository, String tag, byte[] manifest, String manifestDigest, byte[] layer,
                  String layerDigest) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private UpstreamImages() {
    }

    public static Pushed push(URI registry, String authorization, String repository, String tag, long seed)
            throws Exception {
        byte[] layer = new byte[64 * 1024];
        new Random(seed).nextBytes(layer);
        return push(registry, authorization, repository, tag, seed, layer);
    }

    /** As {@link #push(URI, String, String, String, long)}, with the given layer (of any size). */
    public static Pushed push(URI registry, String authorization, String repository, String tag, long seed,
                              byte[] layer) throws Exception {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\"" + sha256(layer) + "\"]},\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8);
        pushBlob(registry, authorization, repository, config);
        pushBlob(registry, authorization, repository, layer);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + sha256(layer) + "\",\"size\":"
                + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(registry.resolve("/v2/" + repository
                        + "/manifests/" + tag)).header("Authorization", authorization)
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return new Pushed(repository, tag, manifest, sha256(manifest), layer, sha256(layer));
    }

    private static void pushBlob(URI registry, String authorization, String repository, byte[] blob)
            throws Exception {
        HttpResponse<String> started = HTTP.send(HttpRequest.newBuilder(registry.resolve("/v2/" + repository
                        + "/blobs/uploads/")).header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        URI upload = registry.resolve(location);
        String target = upload + (upload.getRawQuery() == null ? "?" : "&") + "digest=" + sha256(blob);
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(target))
                .header("Authorization", authorization).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    }

    public static String basic(String username, String password) {
        return new RegistryClient.Credentials(username, password).basic();
    }

    public static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
