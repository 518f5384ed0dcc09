package io.stowage.distribution;

import io.stowage.storage.s3.S3Storage;

/** {@link ReferrersApiIT} with blobs in S3 (S3Proxy). */
@S3Storage
class ReferrersApiS3IT extends ReferrersApiIT {
}
