package io.stowage.distribution;

import io.stowage.storage.s3.S3Storage;

/** {@link CatalogApiIT} with blobs in S3 (S3Proxy). */
@S3Storage
class CatalogApiS3IT extends CatalogApiIT {
}
