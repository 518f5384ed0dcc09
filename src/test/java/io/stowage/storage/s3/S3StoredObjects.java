package io.stowage.storage.s3;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.Set;

import io.stowage.StoredObjects;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link StoredObjects} of the s3 backend, listed through the S3 API: objects, carried tails, multipart uploads. */
public record S3StoredObjects(S3Client s3, String bucket) implements StoredObjects {

    @Override
    public List<String> holding(byte[] content) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
                .filter(o -> !o.key().startsWith(S3BlobStore.UPLOADS) && o.size() == content.length)
                .filter(o -> Arrays.equals(s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray(), content))
                .map(o -> o.key())
                .toList();
    }

    @Override
    public Map<String, Long> objects() {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
                .filter(o -> !o.key().startsWith(S3BlobStore.UPLOADS))
                .collect(Collectors.toMap(o -> o.key(), o -> o.size()));
    }

    @Override
    public Set<String> uploads() {
        Set<String> ids = new HashSet<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(S3BlobStore.UPLOADS)).contents().forEach(o -> {
            String rest = o.key().substring(S3BlobStore.UPLOADS.length());
            ids.add(rest.substring(0, rest.indexOf('/')));
        });
        s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(S3BlobStore.OBJECTS)).uploads()
                .forEach(u -> ids.add(u.key().substring(S3BlobStore.OBJECTS.length())));
        return ids;
    }
}
