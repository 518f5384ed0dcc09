package io.stowage.distribution;

import io.stowage.storage.s3.S3Storage;

/** {@link UploadExpiryIT} on the s3 backend: expiry aborts the multipart upload and deletes carried tails. */
@S3Storage
class UploadExpiryS3IT extends UploadExpiryIT {

    /** Stray local files are a filesystem matter; S3's orphans are found by listing multipart uploads. */
    @Override
    void strayUploadBytesThatNoSessionOwnsAreSwept() {
    }
}
