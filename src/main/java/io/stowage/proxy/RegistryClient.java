package io.stowage.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.stowage.registry.Digest;
import io.stowage.registry.MediaTypes;
import io.stowage.registry.RegistryException;
import io.stowage.registry.RepositoryName;

/**
 * A client of another registry's /v2/ API, as the pull-through cache (and replication) needs it: a manifest's digest
 * by {@code HEAD}, a manifest's bytes (verified against its digest), a blob as a stream. It signs in as the
 * distribution spec and Docker's token spec have it: anonymously or with basic credentials, answering a
 * {@code Bearer} challenge with a token from the challenge's realm, kept per scope until it expires
 * ({@link UpstreamTokens}); a {@code Basic} challenge with the credentials. Redirects (a blob's CDN, a presigned
 * S3 URL) are followed without the upstream's credentials. Every failure is an {@link UpstreamException} naming what
 * went wrong; a manifest or blob the upstream does not have is empty, not a failure.
 */
public final class RegistryClient {

    /** What {@code GET}/{@code HEAD} of a manifest accept: images and indexes, OCI and Docker (never schema 1). */
    static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);
    /** The largest manifest read: as the registry's own limit for pushed ones. */
    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final int MAX_REDIRECTS = 5;

    /** Basic credentials for the upstream (and its token realm). */
    public record Credentials(String username, String password) {

        String basic() {
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credentials[" + username + ", (password)]";
        }
    }

    /** What a {@code HEAD} of a manifest says of it. */
    public record ManifestHead(Digest digest, String mediaType, long size) {
    }

    /** A manifest's bytes, with the digest they were checked against. */
    public record Manifest(Digest digest, String mediaType, byte[] payload) {
    }

    /** A blob's bytes as the upstream sends them: the caller reads, verifies and closes. */
    public record Blob(long size, InputStream body) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private final URI base;
    private final String name;
    private final Credentials credentials;
    private final HttpClient http;
    private final Duration timeout;
    private final UpstreamTokens tokens;
    private final AtomicLong bytesFetched = new AtomicLong();

    /**
     * @param base the upstream's base URL, e.g. {@code https://registry-1.docker.io}
     * @param credentials basic credentials, or null for anonymous pulls
     * @param timeout for connecting, and for each answer's headers
     */
    public RegistryClient(URI base, Credentials credentials, Duration timeout) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.name = this.base.toString();
        this.credentials = credentials;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.tokens = new UpstreamTokens(http, timeout, credentials);
    }

    /** The upstream's base URL. */
    public URI base() {
        return base;
    }

    /** The digest, media type and size of a manifest by tag or digest; empty when the upstream has no such one. */
    public Optional<ManifestHead> headManifest(String repository, String reference) throws UpstreamException {
        HttpResponse<InputStream> response = send(repository, "HEAD", manifestPath(repository, reference), true);
        try (InputStream ignored = response.body()) {
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            expectOk(response);
            Digest digest = response.headers().firstValue("Docker-Content-Digest").flatMap(RegistryClient::digest)
                    .orElseThrow(() -> invalid("HEAD of " + repository + ":" + reference
                            + " answered no valid Docker-Content-Digest"));
            return Optional.of(new ManifestHead(digest, mediaType(response),
                    response.headers().firstValueAsLong("Content-Length").orElse(-1)));
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /**
     * A manifest by tag or digest, its bytes checked against the digest asked for (by digest) or the one the upstream
     * names ({@code Docker-Content-Digest}, by tag); empty when the upstream has no such one.
     */
    public Optional<Manifest> getManifest(String repository, String reference) throws UpstreamException {
        HttpResponse<InputStream> response = send(repository, "GET", manifestPath(repository, reference), true);
        try (InputStream body = response.body()) {
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            expectOk(response);
            byte[] payload = body.readNBytes(MAX_MANIFEST_BYTES + 1);
            if (payload.length > MAX_MANIFEST_BYTES) {
                throw invalid("the manifest " + repository + ":" + reference + " is larger than "
                        + MAX_MANIFEST_BYTES + " bytes");
            }
            bytesFetched.addAndGet(payload.length);
            Digest expected = Digest.looksLikeDigest(reference) ? Digest.parse(reference)
                    : response.headers().firstValue("Docker-Content-Digest").flatMap(RegistryClient::digest)
                    .orElse(null);
            Digest actual = Digest.compute(expected == null ? "sha256" : expected.algorithm(), payload);
            if (expected != null && !expected.equals(actual)) {
                throw invalid("the manifest " + repository + ":" + reference + " has the digest " + actual
                        + ", not " + expected);
            }
            return Optional.of(new Manifest(actual, mediaType(response), payload));
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /**
     * A blob's bytes, streamed; empty when the upstream has no such blob. The caller verifies the digest as it
     * reads, and closes the stream.
     */
    public Optional<Blob> openBlob(String repository, Digest digest) throws UpstreamException {
        HttpResponse<InputStream> response = send(repository, "GET", "/v2/" + repository + "/blobs/" + digest, false);
        if (response.statusCode() == 404) {
            closeQuietly(response.body());
            return Optional.empty();
        }
        try {
            expectOk(response);
        } catch (UpstreamException e) {
            closeQuietly(response.body());
            throw e;
        }
        long size = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        return Optional.of(new Blob(size, new CountingInputStream(response.body(), bytesFetched)));
    }

    /** The bytes of manifests and blobs read from the upstream so far. */
    public long bytesFetched() {
        return bytesFetched.get();
    }

    /** Tokens fetched from the upstream's realm so far (a cached token costs none). */
    public long tokensFetched() {
        return tokens.fetched();
    }

    private static Optional<Digest> digest(String text) {
        try {
            return Optional.of(Digest.parse(text.trim()));
        } catch (RegistryException e) {
            return Optional.empty();
        }
    }

    private static String manifestPath(String repository, String reference) {
        return "/v2/" + repository + "/manifests/" + reference;
    }

    /**
     * Sends a request, signing in as the upstream's challenge asks (once), and following redirects without the
     * credentials.
     */
    private HttpResponse<InputStream> send(String repository, String method, String path, boolean manifest)
            throws UpstreamException {
        if (!RepositoryName.isValid(repository)) {
            throw new IllegalArgumentException("invalid repository name: " + repository);
        }
        String scope = "repository:" + repository + ":pull";
        URI target = base.resolve(path);
        String authorization = tokens.cached(scope).orElse(null);
        HttpResponse<InputStream> response = exchange(method, target, authorization, manifest);
        if (response.statusCode() == 401) {
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            closeQuietly(response.body());
            authorization = tokens.answer(name, Challenge.parse(challenge), scope);
            if (authorization == null) {
                throw new UpstreamException(name, UpstreamException.Problem.UNAUTHORIZED,
                        name + " refused " + (credentials == null ? "anonymous pulls" : "the credentials")
                                + " of " + repository + " (401)");
            }
            response = exchange(method, target, authorization, manifest);
        }
        for (int redirects = 0; isRedirect(response.statusCode()); redirects++) {
            String location = response.headers().firstValue("Location").orElse(null);
            closeQuietly(response.body());
            if (location == null || redirects == MAX_REDIRECTS) {
                throw invalid(method + " " + path + " answered " + response.statusCode() + " without a usable "
                        + "Location");
            }
            URI next = target.resolve(location);
            // Credentials stay with the upstream: a CDN or a presigned URL gets none (S3 refuses a second one).
            boolean sameOrigin = sameOrigin(next, base);
            target = next;
            response = exchange(method, target, sameOrigin ? authorization : null, manifest);
        }
        return response;
    }

    private HttpResponse<InputStream> exchange(String method, URI target, String authorization, boolean manifest)
            throws UpstreamException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (manifest) {
            request.header("Accept", MANIFEST_ACCEPT);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(name, UpstreamException.Problem.TIMEOUT, "interrupted", null, e);
        }
    }

    private void expectOk(HttpResponse<?> response) throws UpstreamException {
        if (response.statusCode() != 200) {
            throw UpstreamException.ofStatus(name, name, response.statusCode(), retryAfter(response), "access");
        }
    }

    private UpstreamException failed(IOException e) {
        if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) {
            return new UpstreamException(name, UpstreamException.Problem.TIMEOUT,
                    name + " did not answer within " + timeout.toMillis() + " ms", null, e);
        }
        String why = e instanceof ConnectException ? "cannot be reached" : "broke off (" + e + ")";
        return new UpstreamException(name, UpstreamException.Problem.UNREACHABLE, name + " " + why, null, e);
    }

    private UpstreamException invalid(String message) {
        return new UpstreamException(name, UpstreamException.Problem.INVALID_RESPONSE, message);
    }

    private static String mediaType(HttpResponse<?> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        int parameters = type.indexOf(';');
        return (parameters < 0 ? type : type.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
    }

    /** The {@code Retry-After} of an answer in seconds, or null (an HTTP date is not worth parsing for a hint). */
    static Duration retryAfter(HttpResponse<?> response) {
        try {
            return response.headers().firstValue("Retry-After").map(value -> Duration.ofSeconds(
                    Long.parseLong(value.trim()))).orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    static String query(String key, String value) {
        return key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // the exchange is over either way
        }
    }

    /** Counts the bytes read through it into the client's total. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private final AtomicLong total;

        CountingInputStream(InputStream in, AtomicLong total) {
            super(in);
            this.total = total;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                total.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                total.addAndGet(n);
            }
            return n;
        }
    }
}
