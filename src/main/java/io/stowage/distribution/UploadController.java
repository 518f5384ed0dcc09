package io.stowage.distribution;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import io.stowage.metadata.BlobRecord;
import io.stowage.auth.Caller;
import io.stowage.registry.ChunkRange;
import io.stowage.registry.Digest;
import io.stowage.registry.ErrorCode;
import io.stowage.registry.RegistryException;
import io.stowage.registry.UploadService;
import io.stowage.registry.UploadStatus;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v2/<name>/blobs/uploads/[<uuid>]}: monolithic and chunked uploads, mounts, status and cancel. */
@RestController
@RequestMapping(RepositoryRouteFilter.PREFIX + "/blobs/uploads")
class UploadController {

    private static final Pattern CONTENT_RANGE = Pattern.compile("^(?:bytes[ =])?(\\d{1,18})-(\\d{1,18})(?:/(?:\\d+|\\*))?$");

    private final UploadService uploads;

    UploadController(UploadService uploads) {
        this.uploads = uploads;
    }

    @PostMapping({"", "/"})
    ResponseEntity<Void> post(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                              @RequestParam(required = false) String digest,
                              @RequestParam(required = false) String mount,
                              @RequestParam(required = false) String from,
                              @RequestParam(name = "digest-algorithm", required = false) String algorithm,
                              @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                              HttpServletRequest request) throws IOException {
        if (mount != null) {
            Optional<BlobRecord> mounted = uploads.mount(repository, Digest.parse(mount), from, caller.readable());
            if (mounted.isPresent()) {
                return created(repository, mounted.get().digest());
            }
        } else if (digest != null) {
            Optional<BlobRecord> blob = uploads.putMonolithic(repository, Digest.parse(digest), contentLength(request),
                    request.getInputStream());
            if (blob.isPresent()) {
                return created(repository, blob.get().digest());
            }
            // Collected while its bytes streamed (they were not kept): a session to send them to, as the spec allows.
        }
        UploadStatus status = uploads.start(repository, algorithm);
        return progress(ResponseEntity.accepted(), repository, status);
    }

    @GetMapping("/{id}")
    ResponseEntity<Void> status(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                                @PathVariable String id) {
        return progress(ResponseEntity.noContent(), repository, uploads.status(repository, uploadId(id)));
    }

    @PatchMapping("/{id}")
    ResponseEntity<Void> patch(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                               @PathVariable String id, HttpServletRequest request) throws IOException {
        UUID upload = uploadId(id);
        UploadStatus status = uploads.append(repository, upload, chunkRange(request, upload),
                contentLength(request), request.getInputStream());
        return progress(ResponseEntity.accepted(), repository, status);
    }

    @PutMapping("/{id}")
    ResponseEntity<Void> put(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                             @PathVariable String id, @RequestParam(required = false) String digest,
                             HttpServletRequest request) throws IOException {
        UUID upload = uploadId(id);
        if (digest == null) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "the closing PUT needs ?digest=");
        }
        BlobRecord blob = uploads.complete(repository, upload, Digest.parse(digest), chunkRange(request, upload),
                contentLength(request), request.getInputStream());
        return created(repository, blob.digest());
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> cancel(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                                @PathVariable String id) {
        uploads.cancel(repository, uploadId(id));
        return ResponseEntity.noContent().build();
    }

    private static ResponseEntity<Void> created(String repository, String digest) {
        return ResponseEntity.status(201)
                .header(HttpHeaders.LOCATION, Locations.blob(repository, digest))
                .header(RegistryHeaders.CONTENT_DIGEST, digest)
                .header(HttpHeaders.CONTENT_LENGTH, "0")
                .build();
    }

    private static ResponseEntity<Void> progress(ResponseEntity.HeadersBuilder<?> builder, String repository,
                                                 UploadStatus status) {
        return builder
                .header(HttpHeaders.LOCATION, Locations.upload(repository, status.id()))
                .header(HttpHeaders.RANGE, Locations.uploadRange(status.received()))
                .header(RegistryHeaders.UPLOAD_UUID, status.id().toString())
                .header(HttpHeaders.CONTENT_LENGTH, "0")
                .build();
    }

    private static UUID uploadId(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.toString().equals(id.toLowerCase())) {
                return uuid;
            }
        } catch (IllegalArgumentException ignored) {
            // falls through
        }
        throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload unknown: " + id);
    }

    private static Long contentLength(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        return length < 0 ? null : length;
    }

    private static ChunkRange chunkRange(HttpServletRequest request, UUID upload) {
        String header = request.getHeader(HttpHeaders.CONTENT_RANGE);
        if (header == null || header.isBlank()) {
            return null;
        }
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (!m.matches()) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "malformed Content-Range: " + header);
        }
        long start = Long.parseLong(m.group(1));
        long end = Long.parseLong(m.group(2));
        if (end < start) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 416, "Content-Range ends before it starts: " + header, null);
        }
        return new ChunkRange(start, end);
    }
}
