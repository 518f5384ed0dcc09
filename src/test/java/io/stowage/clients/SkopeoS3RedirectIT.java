package io.stowage.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import io.stowage.RegistryTestBase;
import io.stowage.clients.TestImages.Blob;
import io.stowage.clients.TestImages.Format;
import io.stowage.clients.TestImages.Image;
import io.stowage.storage.s3.S3RequestLog;
import io.stowage.storage.s3.S3Storage;
import io.stowage.storage.s3.S3TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.TestPropertySource;

/**
 * skopeo pulling from a registry that redirects blob GETs to presigned S3 URLs: containers/image follows the
 * 307 to S3Proxy and must get every blob byte for byte. Same context as {@code S3RedirectApiIT}.
 */
@S3Storage
@TestPropertySource(properties = {"stowage.storage.s3.redirect=true", "stowage.storage.s3.redirect-expiry=5m"})
class SkopeoS3RedirectIT extends RegistryTestBase {

    @TempDir
    Path temp;

    @BeforeEach
    void requireSkopeo() {
        Skopeo.require();
    }

    @Test
    void imagesCopiedOutThroughRedirectsAreByteIdentical() throws Exception {
        Image image = TestImages.randomImage(Format.OCI, "linux", "amd64", 3);
        Path source = temp.resolve("source");
        Path copy = temp.resolve("copy");
        TestImages.writeOciLayout(source, "v1", image);
        String repository = uniqueRepository("skopeo-s3-redirect");
        String reference = "docker://" + registryHost() + "/" + repository + ":v1";
        Skopeo.succeed("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + source + ":v1", reference);

        // Stowage itself reads no object while skopeo pulls: the bytes come from S3 directly.
        long readsBefore = S3RequestLog.count("GetObject");
        long presignsBefore = S3RequestLog.count("PresignGetObject");
        Skopeo.succeed("copy", "--preserve-digests", "--src-tls-verify=false", reference, "oci:" + copy + ":v1");
        assertEquals(readsBefore, S3RequestLog.count("GetObject"), "GetObject requests sent by Stowage");
        assertThat(S3RequestLog.count("PresignGetObject") - presignsBefore).as("URLs presigned for the blobs")
                .isGreaterThanOrEqualTo(image.blobs().size());

        Map<String, byte[]> received = TestImages.layoutBlobs(copy);
        for (Blob blob : image.blobs()) {
            assertArrayEquals(blob.bytes(), received.get(blob.digest()), blob.digest());
        }
        assertArrayEquals(image.manifest().bytes(), received.get(image.manifest().digest()), "manifest bytes");
        // And the blobs were indeed redirected, to S3.
        HttpResponse<Void> layer = http.send(request("/v2/" + repository + "/blobs/" + image.layers().get(0).digest())
                .GET().build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(307, layer.statusCode());
        assertThat(layer.headers().firstValue("Location").orElseThrow()).startsWith(S3TestServer.endpoint().toString());
    }
}
