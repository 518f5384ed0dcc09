package io.stowage.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where blob bytes live: content-addressed objects, and the uploads that become them. Knows nothing of
 * HTTP or SQL; the registry keeps the metadata and verifies digests, the store keeps bytes.
 */
public interface BlobStore {

    /**
     * Writes {@code data} (read to its end) into an upload at {@code offset}, discarding anything the
     * upload held from that offset on, so that a chunk sent again replaces what a failed attempt left.
     *
     * @param state what the previous write returned, or null for a new upload
     */
    UploadWrite writeUpload(String uploadId, String state, long offset, InputStream data) throws IOException;

    /** The first {@code length} bytes an upload holds, for recomputing its digest on another node. */
    InputStream readUpload(String uploadId, String state, long length) throws IOException;

    /**
     * Makes a complete, verified upload the stored object for {@code digest} and returns its key.
     * Durable before it returns. When the object exists already, the upload is discarded instead.
     */
    String commitUpload(String uploadId, String state, String digest, long size) throws IOException;

    /** Discards an upload and whatever bytes it holds; nothing happens if there is none. */
    void deleteUpload(String uploadId, String state) throws IOException;

    /** Uploads in storage last written before {@code before}, so that those no session owns can be swept. */
    List<String> uploadsWrittenBefore(Instant before) throws IOException;

    /** Reads {@code length} bytes of an object starting at {@code offset}. */
    InputStream read(String key, long offset, long length) throws IOException;

    /** The local file behind an object, when the backend has one: lets the server send it zero-copy. */
    Optional<Path> localFile(String key);

    /**
     * A URL from which anyone may download the object (honouring {@code Range}) for {@code validity}, without
     * credentials of the registry: clients can then be redirected to the backend instead of streaming through
     * Stowage. Empty when the backend has no such URLs (the filesystem).
     */
    default Optional<URI> downloadUrl(String key, Duration validity) throws IOException {
        return Optional.empty();
    }

    boolean exists(String key) throws IOException;

    /** Deletes an object; nothing happens if it is already gone. */
    void delete(String key) throws IOException;

    /** The backend's name for metrics and logs: {@code filesystem}, {@code s3}. */
    String backend();

    /** Fails when the backend cannot serve requests now (directory gone or not writable, bucket unreachable). */
    void check() throws IOException;

    /**
     * The result of writing into an upload.
     *
     * @param written bytes written by this call
     * @param state the backend's state of the upload, to be passed to the next call
     */
    record UploadWrite(long written, String state) {
    }
}
