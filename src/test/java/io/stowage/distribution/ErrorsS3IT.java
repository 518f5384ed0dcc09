package io.stowage.distribution;

import io.stowage.storage.s3.S3Storage;

/** {@link ErrorsIT} with blobs in S3 (S3Proxy). */
@S3Storage
class ErrorsS3IT extends ErrorsIT {
}
