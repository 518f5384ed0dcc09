package io.stowage.process;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

import io.stowage.storage.s3.S3Connection;
import io.stowage.storage.s3.S3TestServer;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 API (S3Proxy over a directory) of the test's own on a fixed port, which it can stop and start again with
 * its objects kept, as an object store going away and coming back. Not {@link S3TestServer}: others share that one.
 */
final class RestartableS3 implements AutoCloseable {

    private final Path dir;
    private final int port;
    private S3Proxy proxy;

    private RestartableS3(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static RestartableS3 start(Path dir, int port) throws Exception {
        RestartableS3 s3 = new RestartableS3(dir, port);
        s3.start();
        return s3;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** How Stowage (and the test) reaches it, with {@link S3TestServer}'s credentials. */
    S3Connection connection() {
        return new S3Connection(endpoint(), S3TestServer.REGION, S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY,
                true);
    }

    void createBucket(String bucket) {
        try (S3Client client = connection().client()) {
            client.createBucket(b -> b.bucket(bucket));
        }
    }

    void start() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("filesystem", properties))
                .endpoint(endpoint())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
    }

    void stop() throws Exception {
        proxy.stop();
        proxy = null;
    }

    @Override
    public void close() throws Exception {
        if (proxy != null) {
            stop();
        }
    }
}
