package io.stowage.distribution;

import io.stowage.storage.s3.S3Storage;

/** {@link BlobApiIT} with blobs in S3 (S3Proxy). */
@S3Storage
class BlobApiS3IT extends BlobApiIT {
}
