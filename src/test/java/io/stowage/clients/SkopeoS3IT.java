package io.stowage.clients;

import io.stowage.storage.s3.S3Storage;

/** {@link SkopeoIT} with blobs in S3 (S3Proxy): every skopeo round trip, multi-arch included, byte for byte. */
@S3Storage
class SkopeoS3IT extends SkopeoIT {
}
