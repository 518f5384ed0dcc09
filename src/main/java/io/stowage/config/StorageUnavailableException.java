package io.stowage.config;

/** Blob storage as configured cannot be used at start: the bucket is missing, the credentials are wrong, ... */
public class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
