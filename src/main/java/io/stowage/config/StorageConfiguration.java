package io.stowage.config;

import java.io.IOException;
import java.nio.file.Path;

import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.storage.BlobStore;
import io.stowage.storage.MeteredBlobStore;
import io.stowage.storage.filesystem.FilesystemBlobStore;
import io.stowage.storage.s3.S3BlobStore;
import io.stowage.storage.s3.S3Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the blob storage backend from {@code stowage.storage.type}. */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean
    BlobStore blobStore(StowageProperties properties, MeterRegistry registry) {
        try {
            return new MeteredBlobStore(backend(properties), registry);
        } catch (IOException | RuntimeException e) {
            StowageProperties.Storage storage = properties.storage();
            throw new StorageUnavailableException("Blob storage (stowage.storage.type=" + storage.type().name()
                    .toLowerCase(java.util.Locale.ROOT) + (storage.type() == StowageProperties.StorageType.S3
                    ? ", bucket " + storage.s3().bucket() : ", root " + properties.filesystemRoot()) + ") cannot be used", e);
        }
    }

    private static BlobStore backend(StowageProperties properties) throws IOException {
        return switch (properties.storage().type()) {
            case FILESYSTEM -> {
                Path dataDir = properties.dataDir().toAbsolutePath().normalize();
                if (properties.filesystemRoot().toAbsolutePath().normalize().startsWith(dataDir)) {
                    PrivateFiles.directory(dataDir);
                }
                log.info("Blob storage: filesystem under {}", properties.filesystemRoot().toAbsolutePath());
                yield new FilesystemBlobStore(properties.filesystemRoot(), properties.storage().filesystem().fsync());
            }
            case S3 -> {
                StowageProperties.S3 s3 = properties.storage().s3();
                S3Connection connection = new S3Connection(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(),
                        s3.pathStyle());
                S3BlobStore store = new S3BlobStore(connection.client(), connection.presigner(), s3.bucket(),
                        (int) s3.partSize().toBytes());
                // Fail at startup, not at the first push, when the bucket or the credentials are wrong.
                store.checkBucket();
                log.info("Blob storage: S3 bucket {} via {}", s3.bucket(), connection);
                if (s3.redirect()) {
                    log.info("Blob pulls redirect to presigned S3 URLs valid for {}", s3.redirectExpiry());
                }
                yield store;
            }
        };
    }
}
