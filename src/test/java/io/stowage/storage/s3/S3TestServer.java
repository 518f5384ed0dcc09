package io.stowage.storage.s3;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API for the tests: S3Proxy over a temporary directory, started once per test JVM, in-process (no
 * Docker). Clients connect exactly as they would to MinIO or Ceph: endpoint, path-style, signed requests. An S3 API
 * named by the system property {@code stowage.test.s3.endpoint} (or {@code STOWAGE_TEST_S3_ENDPOINT}) is used
 * instead, with the credentials below: {@code -Ptestcontainers} points it at MinIO in a container.
 */
public final class S3TestServer {

    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = "stowage-test";
    public static final String SECRET_KEY = "stowage-test-secret";

    private static URI endpoint;

    private S3TestServer() {
    }

    public static synchronized URI endpoint() {
        String external = System.getProperty("stowage.test.s3.endpoint", System.getenv("STOWAGE_TEST_S3_ENDPOINT"));
        if (endpoint == null && external != null && !external.isBlank()) {
            endpoint = URI.create(external);
        }
        if (endpoint == null) {
            try {
                Path dir = Files.createTempDirectory("stowage-s3proxy");
                Properties properties = new Properties();
                properties.setProperty("jclouds.filesystem.basedir", dir.toString());
                S3Proxy proxy = S3Proxy.builder()
                        .blobStore(BlobStores.create("filesystem", properties))
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                        // The SDK sends headers (e.g. x-amz-sdk-checksum-algorithm) S3Proxy does not know.
                        .ignoreUnknownHeaders(true)
                        .build();
                proxy.start();
                while (!"STARTED".equals(proxy.getState())) {
                    Thread.sleep(10);
                }
                endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        proxy.stop();
                    } catch (Exception ignored) {
                        // the JVM is going away anyway
                    }
                    deleteRecursively(dir);
                }));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException("S3Proxy did not start", e);
            }
        }
        return endpoint;
    }

    /** S3Proxy's directory holds every object the tests stored (large blobs among them): it must not outlive the JVM. */
    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort: it is a temporary directory
        }
    }

    public static S3Connection connection() {
        return new S3Connection(endpoint(), REGION, ACCESS_KEY, SECRET_KEY, true);
    }

    /** A client as Stowage builds one. */
    public static S3Client client() {
        return connection().client();
    }

    /** Creates the bucket unless it exists. */
    public static synchronized String bucket(String name) {
        try (S3Client s3 = client()) {
            if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(name))) {
                s3.createBucket(b -> b.bucket(name));
            }
        }
        return name;
    }
}
