package io.stowage.distribution;

import io.stowage.storage.s3.S3Storage;

/** {@link BaseApiIT} with blobs in S3 (S3Proxy). */
@S3Storage
class BaseApiS3IT extends BaseApiIT {
}
