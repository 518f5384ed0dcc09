package io.stowage.distribution;

import io.stowage.storage.s3.S3Storage;

/** {@link UploadApiIT} with blobs in S3 (S3Proxy). */
@S3Storage
class UploadApiS3IT extends UploadApiIT {
}
