package io.stowage.config;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code stowage.*} setting.
 *
 * @param dataDir where Stowage keeps its own state: the embedded PostgreSQL cluster and, unless
 *     {@code stowage.storage.filesystem.root} says otherwise, the blobs
 * @param storage where blob bytes are stored
 * @param uploads blob upload sessions
 * @param registry behaviour of the /v2/ API
 */
@ConfigurationProperties("stowage")
public record StowageProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue Storage storage,
        @DefaultValue Uploads uploads,
        @DefaultValue Registry registry) {

    /**
     * @param type the backend that holds blob bytes
     * @param filesystem settings of the filesystem backend
     */
    public record Storage(@DefaultValue("filesystem") StorageType type, @DefaultValue Filesystem filesystem) {
    }

    /** Backends for blob bytes. */
    public enum StorageType {
        /** A local (or shared, e.g. NFS) directory. */
        FILESYSTEM
    }

    /**
     * @param root directory of the filesystem backend; empty means {@code <data-dir>/storage}
     * @param fsync force every blob to disk before it becomes visible, so that a power loss cannot leave a
     *     truncated blob behind; turning it off trades that safety for write throughput
     */
    public record Filesystem(Path root, @DefaultValue("true") boolean fsync) {
    }

    /**
     * @param expiry an upload session untouched for this long is cancelled and its bytes deleted
     * @param sweepInterval how often expired upload sessions are looked for
     * @param mountWithoutFrom whether {@code ?mount=<digest>} without {@code from} mounts the blob
     *     from any repository that has it
     */
    public record Uploads(
            @DefaultValue("24h") Duration expiry,
            @DefaultValue("15m") Duration sweepInterval,
            @DefaultValue("true") boolean mountWithoutFrom) {
    }

    /**
     * @param maxManifestSize manifests larger than this are refused with 413
     * @param deleteEnabled whether blobs, manifests and tags may be deleted through /v2/
     */
    public record Registry(
            @DefaultValue("4MB") DataSize maxManifestSize,
            @DefaultValue("true") boolean deleteEnabled) {
    }

    /** The filesystem backend's root directory, defaulting to {@code <data-dir>/storage}. */
    public Path filesystemRoot() {
        Path root = storage.filesystem().root();
        return root != null ? root : dataDir.resolve("storage");
    }
}
