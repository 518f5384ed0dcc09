package io.stowage.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.UUID;

import io.stowage.storage.BlobStore;
import io.stowage.storage.BlobStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@link BlobStore} contract on the s3 backend against a real S3 API ({@link S3TestServer}: S3Proxy, or MinIO
 * under {@code -Ptestcontainers}), in a bucket of its own, with parts of S3's smallest size so that the large tests
 * cross several; and no test may make S3 copy bytes.
 */
class S3BlobStoreContractIT extends BlobStoreContract {

    private static final String BUCKET = "contract-it";

    private static S3BlobStore store;
    private static S3Client s3;

    private long copiesBefore;

    @BeforeAll
    static void openStore() throws IOException {
        S3Connection connection = S3TestServer.connection();
        s3 = connection.client();
        store = new S3BlobStore(connection.client(), connection.presigner(), S3TestServer.bucket(BUCKET), PART);
        store.checkBucket();
    }

    @AfterAll
    static void closeStore() {
        store.close();
        s3.close();
    }

    @BeforeEach
    void countCopies() {
        copiesBefore = copies();
    }

    @AfterEach
    void neverCopies() {
        assertThat(copies()).as("CopyObject/UploadPartCopy requests").isEqualTo(copiesBefore);
    }

    private static long copies() {
        return S3RequestLog.count("CopyObject") + S3RequestLog.count("UploadPartCopy");
    }

    @Override
    protected BlobStore store() {
        return store;
    }

    @Override
    protected BreakableStore breakableStore() {
        String bucket = S3TestServer.bucket("contract-broken-" + UUID.randomUUID().toString().substring(0, 8));
        return new BreakableStore(new S3BlobStore(S3TestServer.client(), bucket, PART), () -> deleteBucket(bucket));
    }

    @Override
    protected boolean givesDownloadUrls() {
        return true;
    }

    @Override
    protected boolean hasLocalFiles() {
        return false;
    }

    @Override
    protected long storedSize(String key) {
        return s3.headObject(b -> b.bucket(BUCKET).key(key)).contentLength();
    }

    /** Empties the bucket (S3 deletes only empty ones) and deletes it. */
    private static void deleteBucket(String bucket) {
        s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()
                .forEach(o -> s3.deleteObject(b -> b.bucket(bucket).key(o.key())));
        s3.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads()
                .forEach(u -> s3.abortMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId())));
        s3.deleteBucket(b -> b.bucket(bucket));
    }
}
