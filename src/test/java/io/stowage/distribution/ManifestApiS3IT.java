package io.stowage.distribution;

import io.stowage.storage.s3.S3Storage;

/** {@link ManifestApiIT} with blobs in S3 (S3Proxy). */
@S3Storage
class ManifestApiS3IT extends ManifestApiIT {
}
