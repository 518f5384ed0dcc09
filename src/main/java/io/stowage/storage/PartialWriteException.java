package io.stowage.storage;

import java.io.IOException;

/**
 * Reading the data being written into an upload failed part-way (typically: the client went away).
 * Everything read before the failure was written, so the upload can resume after {@link #written()} bytes.
 */
public class PartialWriteException extends IOException {

    private final long written;
    private final String state;

    public PartialWriteException(long written, String state, IOException cause) {
        super("upload interrupted after " + written + " bytes: " + cause.getMessage(), cause);
        this.written = written;
        this.state = state;
    }

    public long written() {
        return written;
    }

    public String state() {
        return state;
    }
}
