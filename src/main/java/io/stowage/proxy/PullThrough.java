package io.stowage.proxy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.stowage.config.StowageProperties;
import io.stowage.registry.CachedContent;
import io.stowage.registry.ErrorCode;
import io.stowage.registry.Reference;
import io.stowage.registry.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The pull-through cache's manifests: before a manifest of a cached repository is served, makes sure the cache holds
 * it and, for a tag, that it is current. A tag confirmed within the upstream's revalidation period is served as
 * cached; an older one is checked with a HEAD upstream (which Docker Hub does not count against its rate limit) and
 * fetched only when it moved. When the upstream fails, or no longer has the tag, the cached copy is served (if the
 * upstream allows stale content); only what was never cached fails, with an error naming the upstream's problem.
 * One fetch per manifest at a time, on this node (callers wait for it) and across nodes ({@link FetchLeases}).
 */
@Service
public class PullThrough {

    private static final Logger log = LoggerFactory.getLogger(PullThrough.class);
    /** After a failure, the upstream is not asked again for the same manifest for this long (stale copies served). */
    private static final Duration FAILURE_BACKOFF = Duration.ofSeconds(30);

    private final Upstreams upstreams;
    private final CachedContent content;
    private final FetchLeases leases;
    private final ProxyMetrics metrics;
    private final Duration waitLimit;
    private final Map<String, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();
    private final Cache<String, UpstreamException> recentFailures;

    public PullThrough(Upstreams upstreams, CachedContent content, FetchLeases leases, ProxyMetrics metrics,
                       StowageProperties properties) {
        this.upstreams = upstreams;
        this.content = content;
        this.leases = leases;
        this.metrics = metrics;
        this.waitLimit = properties.proxy().timeout().multipliedBy(2);
        this.recentFailures = Caffeine.newBuilder().expireAfterWrite(FAILURE_BACKOFF).maximumSize(10_000).build();
    }

    /**
     * Makes the manifest servable from the cache when the repository is a cached one; nothing happens for any other
     * repository, or for a reference that names nothing. Throws the error a client gets when the cache cannot serve
     * it.
     */
    public void ensureManifest(String repository, String reference) {
        if (upstreams.isEmpty()) {
            return;
        }
        Optional<Upstreams.Route> route = upstreams.route(repository);
        Optional<Reference> ref = Reference.lookup(reference);
        if (route.isEmpty() || ref.isEmpty()) {
            return;
        }
        Upstream upstream = route.get().upstream();
        String key = "manifest:" + repository + (ref.get().isDigest() ? "@" : ":") + reference;
        for (int attempt = 0; attempt < 2; attempt++) {
            if (isCurrent(upstream, repository, ref.get())) {
                metrics.count(upstream, "manifest", ProxyMetrics.Outcome.HIT);
                return;
            }
            if (once(key, () -> refresh(route.get(), repository, ref.get()))) {
                return;
            }
            // Another node is fetching it: wait for that node, then look again.
            try {
                leases.awaitRelease(key, waitLimit);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(ErrorCode.UNAVAILABLE, "interrupted while waiting for a fetch");
            }
        }
        refresh(route.get(), repository, ref.get());
    }

    /** Whether the cache may serve the reference without asking the upstream. */
    private boolean isCurrent(Upstream upstream, String repository, Reference ref) {
        if (ref.isDigest()) {
            return content.hasManifest(repository, ref.digest());
        }
        Optional<CachedContent.CachedTag> cached = content.tag(repository, ref.tag());
        return cached.isPresent() && cached.get().checkedAt() != null
                && cached.get().checkedAt().plus(upstream.settings().revalidate()).isAfter(Instant.now());
    }

    /**
     * Runs {@code work} once for this key on this node while callers arrive (they wait for it and share its outcome),
     * under the key's lease across nodes. False, without running it, when another node holds the lease.
     */
    private boolean once(String key, Runnable work) {
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
            }
        }
        try {
            boolean claimed = leases.tryClaim(key);
            if (claimed) {
                try {
                    work.run();
                } finally {
                    leases.release(key);
                }
            }
            mine.complete(claimed);
            return claimed;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** Asks the upstream, records what it says, and decides what the client gets when it fails. */
    private void refresh(Upstreams.Route route, String repository, Reference ref) {
        Upstream upstream = route.upstream();
        String failureKey = repository + "|" + ref;
        Optional<CachedContent.CachedTag> cached = ref.isDigest() ? Optional.empty()
                : content.tag(repository, ref.tag());
        if (ref.isDigest() ? content.hasManifest(repository, ref.digest()) : cached.isPresent()
                && isCurrent(upstream, repository, ref)) {
            return; // refreshed meanwhile (by the caller this one waited for)
        }
        UpstreamException recent = recentFailures.getIfPresent(failureKey);
        if (recent != null) {
            serveStaleOrFail(upstream, repository, ref, cached, recent, false);
            return;
        }
        try {
            if (cached.isPresent()) {
                revalidate(route, repository, ref.tag(), cached.get());
            } else {
                fetch(route, repository, ref);
            }
        } catch (UpstreamException e) {
            metrics.error(upstream, e);
            recentFailures.put(failureKey, e);
            serveStaleOrFail(upstream, repository, ref, cached, e, true);
        }
    }

    private void revalidate(Upstreams.Route route, String repository, String tag, CachedContent.CachedTag cached)
            throws UpstreamException {
        Upstream upstream = route.upstream();
        RegistryClient client = upstream.client();
        Optional<RegistryClient.ManifestHead> head = client.headManifest(route.remoteName(), tag);
        if (head.isEmpty()) {
            if (upstream.settings().serveStale()) {
                metrics.count(upstream, "manifest", ProxyMetrics.Outcome.STALE);
                log.info("Upstream {} no longer has {}:{}; serving the cached {}", upstream, route.remoteName(), tag,
                        cached.digest());
                return;
            }
            throw notFound(upstream, route.remoteName(), tag);
        }
        if (head.get().digest().equals(cached.digest())) {
            content.confirmTag(repository, tag);
            metrics.count(upstream, "manifest", ProxyMetrics.Outcome.REVALIDATED);
            return;
        }
        // The tag moved: to content cached already (no GET), or to new content.
        if (content.retag(repository, upstream.name(), tag, head.get().digest())) {
            metrics.count(upstream, "manifest", ProxyMetrics.Outcome.REVALIDATED);
            return;
        }
        RegistryClient.Manifest manifest = client.getManifest(route.remoteName(), head.get().digest().toString())
                .orElseThrow(() -> notFound(upstream, route.remoteName(), head.get().digest().toString()));
        metrics.fetched(upstream, manifest.payload().length);
        content.storeManifest(repository, upstream.name(), manifest.digest(), manifest.mediaType(),
                manifest.payload(), tag);
        metrics.count(upstream, "manifest", ProxyMetrics.Outcome.MISS);
    }

    private void fetch(Upstreams.Route route, String repository, Reference ref) throws UpstreamException {
        Upstream upstream = route.upstream();
        RegistryClient.Manifest manifest = upstream.client().getManifest(route.remoteName(), ref.toString())
                .orElseThrow(() -> notFound(upstream, route.remoteName(), ref.toString()));
        metrics.fetched(upstream, manifest.payload().length);
        content.storeManifest(repository, upstream.name(), manifest.digest(), manifest.mediaType(),
                manifest.payload(), ref.isDigest() ? null : ref.tag());
        metrics.count(upstream, "manifest", ProxyMetrics.Outcome.MISS);
    }

    private void serveStaleOrFail(Upstream upstream, String repository, Reference ref,
                                  Optional<CachedContent.CachedTag> cached, UpstreamException e, boolean first) {
        if (cached.isPresent() && upstream.settings().serveStale()) {
            metrics.count(upstream, "manifest", ProxyMetrics.Outcome.STALE);
            if (first) {
                log.warn("Upstream {} failed ({}); serving the cached {}:{} ({}) for the next {} s", upstream,
                        e.getMessage(), repository, ref, cached.get().digest(), FAILURE_BACKOFF.toSeconds());
            }
            return;
        }
        throw UpstreamErrors.toRegistry(upstream, e);
    }

    private static RegistryException notFound(Upstream upstream, String remote, String reference) {
        return new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest unknown: " + remote + ":"
                + reference + " is not found at upstream " + upstream.name() + " (" + upstream.settings().url() + ")");
    }
}
