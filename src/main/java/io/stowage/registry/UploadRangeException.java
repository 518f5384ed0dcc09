package io.stowage.registry;

import java.util.UUID;

/** A chunk that does not start where the upload stands (out of order or sent twice): 416. */
public class UploadRangeException extends RegistryException {

    private final UUID uploadId;
    private final long received;

    public UploadRangeException(UUID uploadId, long received, String message) {
        super(ErrorCode.BLOB_UPLOAD_INVALID, 416, message, null);
        this.uploadId = uploadId;
        this.received = received;
    }

    public UUID uploadId() {
        return uploadId;
    }

    /** Bytes the upload holds, so the client can resume after them. */
    public long received() {
        return received;
    }
}
