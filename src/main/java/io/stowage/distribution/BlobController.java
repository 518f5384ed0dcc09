package io.stowage.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import io.stowage.accounts.AuditLog;
import io.stowage.auth.Caller;
import io.stowage.metadata.BlobRecord;
import io.stowage.proxy.BlobFetches;
import io.stowage.registry.BlobService;
import io.stowage.registry.Digest;
import io.stowage.registry.ErrorCode;
import io.stowage.registry.RegistryMetrics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v2/<name>/blobs/<digest>}: HEAD, GET (with Range) and DELETE. A GET streams the bytes, or redirects
 * (307) to where storage serves them when {@link BlobService#downloadRedirect} names such a place; HEAD always
 * answers here, from the metadata.
 */
@RestController
@RequestMapping(RepositoryRouteFilter.PREFIX + "/blobs/{digest}")
class BlobController {

    // Tomcat's zero-copy path: the connector sends the file with sendfile(2) after the servlet returns.
    private static final String SENDFILE_SUPPORT = "org.apache.tomcat.sendfile.support";
    private static final String SENDFILE_FILE = "org.apache.tomcat.sendfile.filename";
    private static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
    private static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";
    private static final long SENDFILE_MIN_SIZE = 64 * 1024;

    private final BlobService blobs;
    private final AuditLog audit;
    private final RegistryMetrics metrics;
    private final BlobFetches fetches;

    BlobController(BlobService blobs, AuditLog audit, RegistryMetrics metrics, BlobFetches fetches) {
        this.fetches = fetches;
        this.blobs = blobs;
        this.audit = audit;
        this.metrics = metrics;
    }

    @RequestMapping(method = RequestMethod.HEAD)
    void head(@RequestAttribute(RepositoryRouteFilter.NAME) String repository, @PathVariable String digest,
              HttpServletResponse response) throws IOException, InterruptedException {
        Digest parsed = Digest.parse(digest);
        Optional<BlobFetches.Streaming> fetching = fetches.ensureBlob(repository, parsed);
        if (fetching.isPresent()) {
            // On its way from the upstream: the size is known as soon as the upstream answered.
            try (BlobFetches.Streaming streaming = fetching.get()) {
                describe(response, parsed.toString());
                response.setContentLengthLong(streaming.awaitSize());
            }
            return;
        }
        BlobRecord blob = blobs.stat(repository, parsed);
        describe(response, blob);
        response.setContentLengthLong(blob.size());
    }

    @GetMapping
    void get(@RequestAttribute(RepositoryRouteFilter.NAME) String repository, @PathVariable String digest,
             HttpServletRequest request, HttpServletResponse response) throws IOException {
        Digest parsed = Digest.parse(digest);
        Optional<BlobFetches.Streaming> fetching = fetches.ensureBlob(repository, parsed);
        if (fetching.isPresent()) {
            streamWhileFetched(fetching.get(), parsed, response);
            return;
        }
        BlobRecord blob = blobs.stat(repository, parsed);
        if (matchesEtag(request.getHeader(HttpHeaders.IF_NONE_MATCH), blob.digest())) {
            describe(response, blob);
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        ByteRange range;
        try {
            range = ByteRange.parse(request.getHeader(HttpHeaders.RANGE), blob.size());
        } catch (ByteRange.Unsatisfiable e) {
            describe(response, blob);
            response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + blob.size());
            throw new io.stowage.registry.RegistryException(ErrorCode.SIZE_INVALID, 416,
                    "requested range not satisfiable for a blob of " + blob.size() + " bytes", null);
        }
        Optional<URI> redirect = blobs.downloadRedirect(blob);
        if (redirect.isPresent()) {
            // The client sends its Range again to the new location, which answers it.
            response.setStatus(HttpServletResponse.SC_TEMPORARY_REDIRECT);
            response.setHeader(HttpHeaders.LOCATION, redirect.get().toString());
            response.setHeader(RegistryHeaders.CONTENT_DIGEST, blob.digest());
            // Not the blob's year-long max-age: the location expires.
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            return;
        }
        describe(response, blob);
        long start = range == null ? 0 : range.start();
        long length = range == null ? blob.size() : range.length();
        metrics.blobPulled(length);
        Optional<Path> file = blobs.localFile(blob);
        if (file.isPresent() && length >= SENDFILE_MIN_SIZE
                && Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORT))) {
            describeRange(response, blob, range, length);
            request.setAttribute(SENDFILE_FILE, file.get().toString());
            request.setAttribute(SENDFILE_START, start);
            request.setAttribute(SENDFILE_END, start + length);
            return;
        }
        try (InputStream in = blobs.open(blob, start, length)) {
            // Only once storage answered: when opening fails (S3 unavailable), the 503 error body must not go
            // out under the blob's Content-Length or a 206.
            describeRange(response, blob, range, length);
            OutputStream out = response.getOutputStream();
            in.transferTo(out);
        }
    }

    @DeleteMapping
    ResponseEntity<Void> delete(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                                @PathVariable String digest,
                                @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        Digest parsed = Digest.parse(digest);
        blobs.delete(repository, parsed);
        audit.record(caller.subject(), caller.address(), AuditLog.BLOB_DELETE, repository + "@" + parsed, null);
        return ResponseEntity.accepted().build();
    }

    /**
     * A blob of the pull-through cache on its way from the upstream, streamed as it arrives: the whole of it (a
     * {@code Range} is ignored, as HTTP allows, until it is stored), with its length when the upstream announced it.
     */
    private void streamWhileFetched(BlobFetches.Streaming streaming, Digest digest, HttpServletResponse response)
            throws IOException {
        try (streaming) {
            describe(response, digest.toString());
            if (streaming.size() >= 0) {
                response.setContentLengthLong(streaming.size());
            }
            long sent = streaming.body().transferTo(response.getOutputStream());
            metrics.blobPulled(sent);
        }
    }

    private static void describeRange(HttpServletResponse response, BlobRecord blob, ByteRange range, long length) {
        if (range != null) {
            response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
            response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes " + range.start() + "-" + range.end() + "/" + blob.size());
        }
        response.setContentLengthLong(length);
    }

    private static void describe(HttpServletResponse response, BlobRecord blob) {
        describe(response, blob.digest());
    }

    private static void describe(HttpServletResponse response, String digest) {
        response.setContentType("application/octet-stream");
        response.setHeader(RegistryHeaders.CONTENT_DIGEST, digest);
        response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
        response.setHeader(HttpHeaders.ETAG, "\"" + digest + "\"");
        // Content-addressed: a digest's bytes never change.
        response.setHeader(HttpHeaders.CACHE_CONTROL, "max-age=31536000");
    }

    static boolean matchesEtag(String ifNoneMatch, String digest) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals("\"" + digest + "\"") || tag.equals(digest)) {
                return true;
            }
        }
        return false;
    }
}
