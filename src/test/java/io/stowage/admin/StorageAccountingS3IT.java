package io.stowage.admin;

import io.stowage.storage.s3.S3Storage;

/** {@link StorageAccountingIT} with blobs in S3 (S3Proxy), where stored objects are keyed by upload, not digest. */
@S3Storage
class StorageAccountingS3IT extends StorageAccountingIT {
}
