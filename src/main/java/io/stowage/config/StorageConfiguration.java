package io.stowage.config;

import java.io.IOException;

import io.stowage.storage.BlobStore;
import io.stowage.storage.filesystem.FilesystemBlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the blob storage backend from {@code stowage.storage.type}. */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean
    BlobStore blobStore(StowageProperties properties) throws IOException {
        return switch (properties.storage().type()) {
            case FILESYSTEM -> {
                log.info("Blob storage: filesystem under {}", properties.filesystemRoot().toAbsolutePath());
                yield new FilesystemBlobStore(properties.filesystemRoot(), properties.storage().filesystem().fsync());
            }
        };
    }
}
