package io.stowage.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import io.stowage.config.StowageProperties;
import io.stowage.metadata.BlobRecord;
import io.stowage.metadata.BlobRecords;
import io.stowage.metadata.GcRecords;
import io.stowage.storage.BlobStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reading and unlinking blobs of a repository. */
@Service
public class BlobService {

    private final BlobRecords blobs;
    private final RepositoryService repositories;
    private final BlobStore store;
    private final StowageProperties properties;
    private final GcRecords gc;

    public BlobService(BlobRecords blobs, RepositoryService repositories, BlobStore store, StowageProperties properties,
                       GcRecords gc) {
        this.gc = gc;
        this.blobs = blobs;
        this.repositories = repositories;
        this.store = store;
        this.properties = properties;
    }

    /** The blob as the repository serves it: one indexed query, no storage I/O. */
    public BlobRecord stat(String repository, Digest digest) {
        RepositoryName.validate(repository);
        return blobs.findInRepository(repository, digest.toString()).orElseThrow(() -> {
            if (!repositories.exists(repository)) {
                return RepositoryService.unknown(repository);
            }
            return new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob unknown to repository: " + digest);
        });
    }

    public InputStream open(BlobRecord blob, long offset, long length) throws IOException {
        return store.read(blob.storageKey(), offset, length);
    }

    /**
     * The whole blob, if the repository serves it and it holds at most {@code maxBytes} (a config, say); empty
     * otherwise. Storage failures are thrown.
     */
    public Optional<byte[]> readSmall(String repository, Digest digest, long maxBytes) throws IOException {
        BlobRecord blob;
        try {
            blob = stat(repository, digest);
        } catch (RegistryException e) {
            return Optional.empty();
        }
        if (blob.size() > maxBytes) {
            return Optional.empty();
        }
        try (InputStream in = open(blob, 0, blob.size())) {
            return Optional.of(in.readNBytes((int) blob.size()));
        }
    }

    /**
     * Where the client should download the blob from instead of this registry: a presigned storage URL when
     * the s3 backend is configured to redirect pulls, else empty (the registry streams the bytes itself).
     */
    public Optional<URI> downloadRedirect(BlobRecord blob) throws IOException {
        StowageProperties.Storage storage = properties.storage();
        if (storage.type() != StowageProperties.StorageType.S3 || !storage.s3().redirect()) {
            return Optional.empty();
        }
        return store.downloadUrl(blob.storageKey(), storage.s3().redirectExpiry());
    }

    public Optional<Path> localFile(BlobRecord blob) {
        return store.localFile(blob.storageKey());
    }

    /**
     * Removes the blob from the repository (the bytes stay while other repositories link them). Refused
     * while a manifest of the repository still references it: deleting it would break that image.
     */
    @Transactional
    public void delete(String repository, Digest digest) {
        requireDeletion();
        long repositoryId = repositories.requireIdForWrite(repository);
        // Lock first: a manifest push referencing the blob holds a share lock on the link until it commits,
        // so the reference check below sees it.
        if (!blobs.lockLink(repositoryId, digest.toString())) {
            throw new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob unknown to repository: " + digest);
        }
        if (blobs.isReferenced(repositoryId, digest.toString())) {
            throw new RegistryException(ErrorCode.DENIED, 409,
                    "blob " + digest + " is referenced by a manifest of " + repository + "; delete the manifest first", null);
        }
        blobs.unlink(repositoryId, digest.toString());
        // If no other repository links it, its row and object are garbage; nothing can reference it any more.
        gc.reviewBlob(digest.toString(), java.time.Duration.ZERO);
    }

    void requireDeletion() {
        if (!properties.registry().deleteEnabled()) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "deletion is disabled on this registry");
        }
    }
}
