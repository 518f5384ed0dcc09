package io.stowage.storage.s3;

import java.io.IOException;

import software.amazon.awssdk.core.exception.SdkException;

/**
 * An S3 request failed after the SDK's retries: an I/O failure to the registry (so clients get 503 and retry),
 * not a bug.
 */
public class S3StorageException extends IOException {

    public S3StorageException(String operation, SdkException cause) {
        super("S3 " + operation + " failed: " + cause.getMessage(), cause);
    }
}
