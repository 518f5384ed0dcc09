package io.stowage.gc;

import io.stowage.storage.s3.S3Storage;

/** {@link GcIT} with blobs in S3 (S3Proxy). */
@S3Storage
class GcS3IT extends GcIT {
}
