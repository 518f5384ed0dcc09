package io.stowage.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

import io.stowage.accounts.AuditLog;
import io.stowage.auth.Caller;
import io.stowage.config.StowageProperties;
import io.stowage.metadata.ManifestRecord;
import io.stowage.proxy.PullThrough;
import io.stowage.registry.Digest;
import io.stowage.registry.ErrorCode;
import io.stowage.registry.ManifestService;
import io.stowage.registry.PullTally;
import io.stowage.registry.Reference;
import io.stowage.registry.RegistryException;
import io.stowage.registry.RegistryMetrics;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v2/<name>/manifests/<tag-or-digest>}: GET, HEAD, PUT and DELETE. */
@RestController
@RequestMapping(RepositoryRouteFilter.PREFIX + "/manifests/{reference}")
class ManifestController {

    private final ManifestService manifests;
    private final StowageProperties properties;
    private final AuditLog audit;
    private final RegistryMetrics metrics;
    private final PullTally pulls;
    private final PullThrough pullThrough;

    ManifestController(ManifestService manifests, StowageProperties properties, AuditLog audit,
                       RegistryMetrics metrics, PullTally pulls, PullThrough pullThrough) {
        this.pullThrough = pullThrough;
        this.metrics = metrics;
        this.pulls = pulls;
        this.manifests = manifests;
        this.properties = properties;
        this.audit = audit;
    }

    @GetMapping
    ResponseEntity<byte[]> get(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                               @PathVariable String reference, HttpServletRequest request) {
        pullThrough.ensureManifest(repository, reference);
        ManifestRecord manifest = manifests.get(repository, reference, true);
        requireAcceptable(reference, manifest, request);
        if (BlobController.matchesEtag(request.getHeader(HttpHeaders.IF_NONE_MATCH), manifest.digest())) {
            return ResponseEntity.status(304).headers(headers(manifest)).build();
        }
        metrics.manifestPulled();
        pulls.pulled(manifest.id());
        return ResponseEntity.ok().headers(headers(manifest)).body(manifest.payload());
    }

    @RequestMapping(method = RequestMethod.HEAD)
    ResponseEntity<Void> head(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                              @PathVariable String reference, HttpServletRequest request) {
        // A HEAD of a cached tag stores its manifest at once (an index that clients only HEAD is cached too).
        pullThrough.ensureManifest(repository, reference);
        ManifestRecord manifest = manifests.get(repository, reference, false);
        requireAcceptable(reference, manifest, request);
        return ResponseEntity.ok().headers(headers(manifest)).build();
    }

    @PutMapping
    ResponseEntity<Void> put(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                             @PathVariable String reference,
                             @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) String contentType,
                             @RequestParam(name = "tag", required = false) List<String> tags,
                             @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                             HttpServletRequest request) throws IOException {
        long limit = properties.registry().maxManifestSize().toBytes();
        if (request.getContentLengthLong() > limit) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, 413,
                    "manifest exceeds the limit of " + limit + " bytes", null);
        }
        byte[] payload;
        try (InputStream in = request.getInputStream()) {
            payload = in.readNBytes((int) limit + 1);
        }
        ManifestService.PushResult result = manifests.put(repository, reference, contentType, payload,
                tags == null ? List.of() : tags);
        // Named by the tags it now carries (all of them, ?tag= included), else by its digest.
        String target = result.tags().isEmpty() ? repository + "@" + result.digest()
                : repository + ":" + String.join(",", result.tags());
        audit.record(caller.subject(), caller.address(), AuditLog.MANIFEST_PUSH, target, result.digest().toString());
        metrics.manifestPushed();
        ResponseEntity.BodyBuilder response = ResponseEntity.status(201)
                .header(HttpHeaders.LOCATION, Locations.manifest(repository, result.digest()))
                .header(RegistryHeaders.CONTENT_DIGEST, result.digest().toString())
                .header(HttpHeaders.CONTENT_LENGTH, "0");
        if (result.subject() != null) {
            response.header(RegistryHeaders.OCI_SUBJECT, result.subject().toString());
        }
        if (tags != null && !tags.isEmpty()) {
            response.header(RegistryHeaders.OCI_TAG, String.join(", ", result.tags()));
        }
        return response.build();
    }

    @DeleteMapping
    ResponseEntity<Void> delete(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                                @PathVariable String reference,
                                @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        manifests.delete(repository, reference);
        Reference deleted = Reference.parse(reference);
        if (deleted.isDigest()) {
            audit.record(caller.subject(), caller.address(), AuditLog.MANIFEST_DELETE, repository + "@" + deleted,
                    null);
        } else {
            audit.record(caller.subject(), caller.address(), AuditLog.TAG_DELETE, repository + ":" + reference, null);
        }
        return ResponseEntity.accepted().build();
    }

    private static HttpHeaders headers(ManifestRecord manifest) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, manifest.mediaType());
        headers.set(RegistryHeaders.CONTENT_DIGEST, manifest.digest());
        headers.set(HttpHeaders.ETAG, "\"" + manifest.digest() + "\"");
        headers.setContentLength(manifest.size());
        return headers;
    }

    /**
     * A tag is resolved only to a type the client says it accepts (as distribution does); a digest names
     * exact bytes, which are returned whatever the Accept header.
     */
    private static void requireAcceptable(String reference, ManifestRecord manifest, HttpServletRequest request) {
        if (Digest.looksLikeDigest(reference)) {
            return;
        }
        Enumeration<String> values = request.getHeaders(HttpHeaders.ACCEPT);
        boolean any = false;
        while (values != null && values.hasMoreElements()) {
            for (String item : values.nextElement().split(",")) {
                String type = item.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
                if (type.isEmpty()) {
                    continue;
                }
                any = true;
                if (type.equals(manifest.mediaType()) || type.equals("*/*") || type.equals("application/*")
                        || type.equals("application/json")) {
                    return;
                }
            }
        }
        if (any) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, ErrorCode.MANIFEST_UNKNOWN.status(),
                    "the tag points to a " + manifest.mediaType() + ", which the Accept header does not list",
                    java.util.Map.of("mediaType", manifest.mediaType(), "digest", manifest.digest()));
        }
    }
}
