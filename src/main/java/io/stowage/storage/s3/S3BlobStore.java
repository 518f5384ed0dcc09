package io.stowage.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.stowage.storage.BlobStore;
import io.stowage.storage.PartialWriteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Blobs in an S3 bucket. An upload is an S3 multipart upload to {@code objects/<upload id>}, sent in parts of
 * {@code partSize} bytes as the bytes arrive; what is not yet enough for a part (S3 wants at least 5 MiB, except
 * for the last) is carried in the upload's state, inline when tiny, else as an object of its own under
 * {@code uploads/<upload id>/}, so that no byte a client was told is stored lives only in memory. Completing the
 * upload sends the carried tail as the last part and completes it: the object the upload wrote is the blob, and
 * no byte is copied again. Keys are therefore not content-addressed; the registry keeps each blob's key.
 */
public class S3BlobStore implements BlobStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);

    /** What uploads write: the multipart upload's object, which becomes the blob. */
    static final String OBJECTS = "objects/";
    /** Carried tails of uploads in progress; nothing under it is ever a blob, so the expiry sweep may list it. */
    static final String UPLOADS = "uploads/";
    /** Tails up to this size stay in the state (a database column) instead of costing an object each. */
    static final int INLINE_TAIL_MAX = 64 << 10;

    private static final Pattern UPLOAD_ID = Pattern.compile("[0-9a-f-]{36}");
    private static final String CONTENT_TYPE = "application/octet-stream";
    private static final int FIRST_BUFFER = 64 << 10;

    /** SigV4 caps a presigned URL's validity at seven days. */
    static final Duration MAX_URL_VALIDITY = Duration.ofDays(7);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final int partSize;

    /** A store that gives no download URLs: every read goes through {@link #read}. */
    public S3BlobStore(S3Client s3, String bucket, int partSize) {
        this(s3, null, bucket, partSize);
    }

    /**
     * @param presigner signs download URLs, for the same endpoint and credentials as {@code s3}; null for none
     * @param partSize at least 5 MiB; every write in progress holds up to one part in memory
     */
    public S3BlobStore(S3Client s3, S3Presigner presigner, String bucket, int partSize) {
        if (partSize < (5 << 20)) {
            throw new IllegalArgumentException("S3 parts must be at least 5 MiB, not " + partSize + " bytes");
        }
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.partSize = partSize;
    }

    /** Fails unless the bucket exists and the credentials may use it. */
    public void checkBucket() throws IOException {
        call("HeadBucket " + bucket, () -> s3.headBucket(b -> b.bucket(bucket)));
    }

    @Override
    public String backend() {
        return "s3";
    }

    @Override
    public void check() throws IOException {
        checkBucket();
    }

    @Override
    public UploadWrite writeUpload(String uploadId, String state, long offset, InputStream data) throws IOException {
        checkUploadId(uploadId);
        S3UploadState current = S3UploadState.decode(state);
        if (offset > current.size()) {
            throw new IOException("upload " + uploadId + " holds " + current.size() + " bytes, expected at least " + offset);
        }
        // The registry passes the state it stored, so the tail that state superseded is referenced by nothing.
        if (current.supersededTailKey() != null) {
            deleteQuietly(current.supersededTailKey());
        }
        List<S3UploadState.Part> parts = new ArrayList<>();
        long kept = 0;
        for (S3UploadState.Part part : current.parts()) {
            if (kept + part.size() > offset) {
                break;
            }
            parts.add(part);
            kept += part.size();
        }
        if (kept < offset && parts.size() < current.parts().size()) {
            // The bytes of an incomplete multipart upload cannot be read back, so a part cannot be cut short.
            throw new IOException("upload " + uploadId + " cannot be rewritten from " + offset
                    + ": that is inside a part already sent to S3");
        }
        String multipartId = current.multipartId();
        byte[] buffer = new byte[Math.min(partSize, Math.max(FIRST_BUFFER, (int) (offset - kept)))];
        int filled = readTail(current, (int) (offset - kept), buffer);
        long written = 0;
        IOException readFailure = null;
        boolean end = false;
        while (!end) {
            try {
                while (filled < partSize) {
                    if (filled == buffer.length) {
                        buffer = Arrays.copyOf(buffer, (int) Math.min(partSize, 2L * buffer.length));
                    }
                    int n = data.read(buffer, filled, buffer.length - filled);
                    if (n < 0) {
                        end = true;
                        break;
                    }
                    filled += n;
                    written += n;
                }
            } catch (IOException e) {
                readFailure = e;
                end = true;
            }
            if (filled == partSize) {
                if (multipartId == null) {
                    multipartId = createMultipartUpload(uploadId);
                }
                parts.add(uploadPart(uploadId, multipartId, parts.size() + 1, buffer, filled));
                filled = 0;
            }
        }
        S3UploadState next = withTail(uploadId, multipartId, parts, buffer, filled, current.tailKey());
        if (readFailure != null) {
            // The client broke off; what it sent is stored, so it can resume from there.
            throw new PartialWriteException(written, next.encode(), readFailure);
        }
        return new UploadWrite(written, next.encode());
    }

    @Override
    public InputStream readUpload(String uploadId, String state, long length) throws IOException {
        checkUploadId(uploadId);
        S3UploadState current = S3UploadState.decode(state);
        if (length > current.size()) {
            throw new IOException("upload " + uploadId + " holds " + current.size() + " bytes, not " + length);
        }
        if (length > 0 && !current.parts().isEmpty()) {
            // S3 serves no bytes of a multipart upload before it is completed.
            throw new IOException("upload " + uploadId + " has parts in S3, which cannot be read back before the"
                    + " upload completes; its digest state is lost (restart the upload)");
        }
        byte[] tail = new byte[(int) length];
        readTail(current, (int) length, tail);
        return new ByteArrayInputStream(tail);
    }

    @Override
    public String commitUpload(String uploadId, String state, String digest, long size) throws IOException {
        checkUploadId(uploadId);
        S3UploadState current = S3UploadState.decode(state);
        if (current.size() != size) {
            throw new IOException("upload " + uploadId + " holds " + current.size() + " bytes, not " + size);
        }
        String key = objectKey(uploadId);
        byte[] tail = new byte[(int) current.tailSize()];
        readTail(current, tail.length, tail);
        if (current.parts().isEmpty()) {
            // Smaller than a part: one PUT of the carried bytes.
            call("PutObject " + key, () -> s3.putObject(b -> b.bucket(bucket).key(key).contentType(CONTENT_TYPE),
                    RequestBody.fromBytes(tail)));
            if (current.multipartId() != null) {
                abortQuietly(key, current.multipartId());
            }
        } else {
            List<S3UploadState.Part> parts = new ArrayList<>(current.parts());
            if (tail.length > 0) {
                parts.add(uploadPart(uploadId, current.multipartId(), parts.size() + 1, tail, tail.length));
            }
            List<CompletedPart> completed = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                completed.add(CompletedPart.builder().partNumber(i + 1).eTag(parts.get(i).etag()).build());
            }
            call("CompleteMultipartUpload " + key, () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                    .uploadId(current.multipartId()).multipartUpload(m -> m.parts(completed))));
        }
        try {
            deleteTails(uploadId);
        } catch (IOException e) {
            log.warn("Could not delete the carried tails of upload {} (the expiry sweep will retry): {}", uploadId,
                    e.toString());
        }
        return key;
    }

    @Override
    public void deleteUpload(String uploadId, String state) throws IOException {
        checkUploadId(uploadId);
        String key = objectKey(uploadId);
        S3UploadState current = S3UploadState.decode(state);
        if (current.multipartId() != null) {
            abortQuietly(key, current.multipartId());
        }
        if (state == null) {
            // Called by the expiry sweep for bytes no session owns: a multipart upload may exist that no state names.
            for (MultipartUpload upload : multipartUploads(key)) {
                if (upload.key().equals(key)) {
                    abortQuietly(key, upload.uploadId());
                }
            }
        }
        deleteTails(uploadId);
    }

    @Override
    public List<String> uploadsWrittenBefore(Instant before) throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        for (MultipartUpload upload : multipartUploads(OBJECTS)) {
            if (upload.initiated().isBefore(before)) {
                addUploadId(ids, upload.key().substring(OBJECTS.length()));
            }
        }
        for (S3Object object : objects(UPLOADS)) {
            if (object.lastModified().isBefore(before)) {
                String rest = object.key().substring(UPLOADS.length());
                int slash = rest.indexOf('/');
                addUploadId(ids, slash < 0 ? rest : rest.substring(0, slash));
            }
        }
        return List.copyOf(ids);
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        ResponseInputStream<GetObjectResponse> in = call("GetObject " + key,
                () -> s3.getObject(b -> b.bucket(bucket).key(key).range(range)));
        return new S3InputStream(in, key, length);
    }

    @Override
    public Optional<java.nio.file.Path> localFile(String key) {
        return Optional.empty();
    }

    /**
     * A presigned GetObject URL: anyone holding it may read the object (with {@code Range}, which is not part of
     * the signature) until it expires, with no other credentials. Signed locally, without a request to S3. With
     * temporary credentials (an instance or web-identity role) the URL stops working when they expire, even
     * before {@code validity} ends.
     */
    @Override
    public Optional<URI> downloadUrl(String key, Duration validity) throws IOException {
        if (presigner == null) {
            return Optional.empty();
        }
        if (validity.isNegative() || validity.isZero() || validity.compareTo(MAX_URL_VALIDITY) > 0) {
            throw new IllegalArgumentException("a presigned URL is valid for more than 0 and at most 7 days, not "
                    + validity);
        }
        String url = call("presign GetObject " + key, () -> presigner.presignGetObject(p -> p
                .signatureDuration(validity)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString());
        try {
            return Optional.of(new URI(url));
        } catch (URISyntaxException e) {
            throw new IOException("the SDK presigned an invalid URL for " + key, e);
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new S3StorageException("HeadObject " + key, e);
        } catch (SdkException e) {
            throw new S3StorageException("HeadObject " + key, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        call("DeleteObject " + key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    }

    @Override
    public void close() {
        s3.close();
        if (presigner != null) {
            presigner.close();
        }
    }

    static String objectKey(String uploadId) {
        return OBJECTS + uploadId;
    }

    private S3UploadState withTail(String uploadId, String multipartId, List<S3UploadState.Part> parts,
                                   byte[] buffer, int length, String previousTailKey) throws IOException {
        if (length == 0) {
            return new S3UploadState(multipartId, parts, 0, null, null, previousTailKey);
        }
        if (length <= INLINE_TAIL_MAX) {
            return new S3UploadState(multipartId, parts, length, Arrays.copyOf(buffer, length), null, previousTailKey);
        }
        // A fresh key each time: a write that fails or loses a race never overwrites a tail a stored state names.
        String key = UPLOADS + uploadId + "/tail-" + UUID.randomUUID();
        call("PutObject " + key, () -> s3.putObject(b -> b.bucket(bucket).key(key).contentType(CONTENT_TYPE),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length, CONTENT_TYPE)));
        return new S3UploadState(multipartId, parts, length, null, key, previousTailKey);
    }

    /** Reads the first {@code length} bytes of the state's tail into {@code into}; returns {@code length}. */
    private int readTail(S3UploadState state, int length, byte[] into) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (state.tailInline() != null) {
            System.arraycopy(state.tailInline(), 0, into, 0, length);
            return length;
        }
        String key = state.tailKey();
        try (InputStream in = read(key, 0, length)) {
            int n = in.readNBytes(into, 0, length);
            if (n != length) {
                throw new IOException("carried tail " + key + " holds " + n + " bytes, expected " + length);
            }
        }
        return length;
    }

    private String createMultipartUpload(String uploadId) throws IOException {
        String key = objectKey(uploadId);
        return call("CreateMultipartUpload " + key, () -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
                .contentType(CONTENT_TYPE))).uploadId();
    }

    private S3UploadState.Part uploadPart(String uploadId, String multipartId, int number, byte[] buffer, int length)
            throws IOException {
        String key = objectKey(uploadId);
        // A content provider rather than fromBytes: no copy of the part, and the SDK can replay it on a retry.
        String etag = call("UploadPart " + key + " #" + number, () -> s3.uploadPart(b -> b.bucket(bucket).key(key)
                        .uploadId(multipartId).partNumber(number).contentLength((long) length),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length, CONTENT_TYPE)))
                .eTag();
        return new S3UploadState.Part(length, etag);
    }

    private void abortQuietly(String key, String multipartId) throws IOException {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(multipartId));
        } catch (NoSuchUploadException e) {
            // completed or aborted already
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw new S3StorageException("AbortMultipartUpload " + key, e);
            }
        } catch (SdkException e) {
            throw new S3StorageException("AbortMultipartUpload " + key, e);
        }
    }

    private void deleteTails(String uploadId) throws IOException {
        for (S3Object object : objects(UPLOADS + uploadId + "/")) {
            delete(object.key());
        }
    }

    private void deleteQuietly(String key) {
        try {
            delete(key);
        } catch (IOException e) {
            log.warn("Could not delete superseded tail {} (deleted with its upload later): {}", key, e.toString());
        }
    }

    private List<S3Object> objects(String prefix) throws IOException {
        return call("ListObjectsV2 " + prefix, () -> {
            List<S3Object> result = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(result::add);
            return result;
        });
    }

    private List<MultipartUpload> multipartUploads(String prefix) throws IOException {
        return call("ListMultipartUploads " + prefix, () -> {
            List<MultipartUpload> result = new ArrayList<>();
            s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix)).uploads().forEach(result::add);
            return result;
        });
    }

    private static void addUploadId(Set<String> ids, String candidate) {
        if (UPLOAD_ID.matcher(candidate).matches()) {
            ids.add(candidate);
        }
    }

    private static void checkUploadId(String uploadId) {
        if (!UPLOAD_ID.matcher(uploadId).matches()) {
            throw new IllegalArgumentException("not an upload id: " + uploadId);
        }
    }

    private static <T> T call(String operation, Supplier<T> request) throws IOException {
        try {
            return request.get();
        } catch (SdkException e) {
            throw new S3StorageException(operation, e);
        }
    }

    /** An object's bytes; SDK failures while streaming surface as {@link IOException}s too. */
    private static final class S3InputStream extends FilterInputStream {

        private final ResponseInputStream<GetObjectResponse> response;
        private final String key;
        private long remaining;

        S3InputStream(ResponseInputStream<GetObjectResponse> in, String key, long length) {
            super(in);
            this.response = in;
            this.key = key;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = in.read(b, off, len);
                if (n > 0) {
                    remaining -= n;
                }
                return n;
            } catch (SdkException e) {
                throw new S3StorageException("GetObject " + key, e);
            }
        }

        @Override
        public void close() throws IOException {
            if (remaining > 0) {
                // Closing would drain the rest of the body; a reader that stops early wants the connection dropped.
                response.abort();
            }
            try {
                super.close();
            } catch (SdkException e) {
                throw new S3StorageException("GetObject " + key, e);
            }
        }
    }
}
