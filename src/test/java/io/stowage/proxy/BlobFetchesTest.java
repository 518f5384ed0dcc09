package io.stowage.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import io.stowage.config.StowageProperties;
import io.stowage.metadata.BlobRecord;
import io.stowage.registry.CachedContent;
import io.stowage.registry.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the clients of one node share a fetch, seen from the node that does not hold the cluster's lease on it: the
 * database and the other node are played by mocks, so that many rounds of the race run in a few seconds.
 */
class BlobFetchesTest {

    private static final String REPOSITORY = "cache/library/big";
    private static final Digest DIGEST = Digest.parse("sha256:" + "a".repeat(64));

    @TempDir
    Path spool;

    /**
     * Regression: a client that registered its fetch a moment after another client of its node joined that one, and
     * when it closed (the lease was another node's) answered as though the blob were stored: 404 before the other
     * node had stored it (PullThroughClusterIT saw it in CI).
     */
    @Test
    void clientsOfANodeWithoutTheLeaseAreServedOnlyOnceTheOtherNodeStoredTheBlob() throws Exception {
        AtomicBoolean stored = new AtomicBoolean();
        Upstream upstream = mock(Upstream.class);
        when(upstream.name()).thenReturn("remote");
        Upstreams upstreams = mock(Upstreams.class);
        when(upstreams.route(REPOSITORY)).thenReturn(Optional.of(new Upstreams.Route(upstream, "library/big")));
        CachedContent content = mock(CachedContent.class);
        when(content.isLinked(REPOSITORY, DIGEST)).thenAnswer(call -> stored.get());
        when(content.isListed(REPOSITORY, DIGEST)).thenReturn(true);
        when(content.linkStored(REPOSITORY, "remote", DIGEST)).thenAnswer(call -> stored.get()
                ? Optional.of(new BlobRecord(DIGEST.toString(), 1, "key")) : Optional.empty());
        FetchLeases leases = mock(FetchLeases.class);
        // The other node holds the lease; the database takes a moment to say so.
        when(leases.tryClaim(any())).thenAnswer(call -> {
            Thread.sleep(5);
            return false;
        });
        // ... and stores the blob while this node waits.
        doAnswer(call -> {
            Thread.sleep(20);
            stored.set(true);
            return null;
        }).when(leases).awaitRelease(any(), any());
        StowageProperties properties = mock(StowageProperties.class);
        when(properties.proxy()).thenReturn(new StowageProperties.Proxy(Map.of(), Duration.ofSeconds(5),
                Duration.ofDays(30), spool, Duration.ofSeconds(30)));
        when(properties.proxySpoolDirectory()).thenReturn(spool);
        BlobFetches fetches = new BlobFetches(upstreams, content, leases, mock(ProxyMetrics.class), properties);

        List<String> early = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            for (int round = 0; round < 40; round++) {
                stored.set(false);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answers.add(clients.submit(() -> {
                        go.await();
                        // Empty means "serve it as stored": true only once it is.
                        return fetches.ensureBlob(REPOSITORY, DIGEST).isEmpty() && stored.get();
                    }));
                }
                go.countDown();
                for (Future<Boolean> answer : answers) {
                    if (!answer.get()) {
                        early.add("round " + round);
                    }
                }
            }
        } finally {
            fetches.shutdown();
        }
        assertThat(early).as("clients told to serve a blob not stored yet").isEmpty();
    }
}
