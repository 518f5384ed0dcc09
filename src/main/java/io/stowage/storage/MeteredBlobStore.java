package io.stowage.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Times every operation of a backend ({@code stowage_storage_operation_seconds} by backend, operation and outcome):
 * how long storage takes and how often it fails. A read is timed until its stream is open, not while it is consumed.
 */
public final class MeteredBlobStore implements BlobStore {

    private final BlobStore store;
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public MeteredBlobStore(BlobStore store, MeterRegistry registry) {
        this.store = store;
        this.registry = registry;
    }

    @FunctionalInterface
    private interface Operation<T> {
        T run() throws IOException;
    }

    private <T> T timed(String operation, Operation<T> call) throws IOException {
        long started = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.run();
            outcome = "success";
            return result;
        } finally {
            String outcomeOf = outcome;
            timers.computeIfAbsent(operation + " " + outcome, k -> Timer.builder("stowage.storage.operation")
                            .description("Blob storage operations, by outcome")
                            .tags("backend", store.backend(), "operation", operation, "outcome", outcomeOf)
                            .register(registry))
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public UploadWrite writeUpload(String uploadId, String state, long offset, InputStream data) throws IOException {
        return timed("write_upload", () -> store.writeUpload(uploadId, state, offset, data));
    }

    @Override
    public InputStream readUpload(String uploadId, String state, long length) throws IOException {
        return timed("read_upload", () -> store.readUpload(uploadId, state, length));
    }

    @Override
    public String commitUpload(String uploadId, String state, String digest, long size) throws IOException {
        return timed("commit_upload", () -> store.commitUpload(uploadId, state, digest, size));
    }

    @Override
    public void deleteUpload(String uploadId, String state) throws IOException {
        timed("delete_upload", () -> {
            store.deleteUpload(uploadId, state);
            return null;
        });
    }

    @Override
    public List<String> uploadsWrittenBefore(Instant before) throws IOException {
        return timed("list_uploads", () -> store.uploadsWrittenBefore(before));
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        return timed("read", () -> store.read(key, offset, length));
    }

    @Override
    public Optional<Path> localFile(String key) {
        return store.localFile(key);
    }

    @Override
    public Optional<URI> downloadUrl(String key, Duration validity) throws IOException {
        return store.downloadUrl(key, validity);
    }

    @Override
    public boolean exists(String key) throws IOException {
        return timed("exists", () -> store.exists(key));
    }

    @Override
    public void delete(String key) throws IOException {
        timed("delete", () -> {
            store.delete(key);
            return null;
        });
    }

    @Override
    public String backend() {
        return store.backend();
    }

    @Override
    public void check() throws IOException {
        timed("check", () -> {
            store.check();
            return null;
        });
    }
}
