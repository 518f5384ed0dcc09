package io.stowage.distribution;

import io.stowage.storage.s3.S3Storage;

/** {@link TagApiIT} with blobs in S3 (S3Proxy). */
@S3Storage
class TagApiS3IT extends TagApiIT {
}
