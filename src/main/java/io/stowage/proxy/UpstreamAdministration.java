package io.stowage.proxy;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.stowage.accounts.Actor;
import io.stowage.metadata.CacheRecords;
import org.springframework.stereotype.Service;

/** The upstreams of the pull-through cache as configured, with what the cache holds of each (administrators). */
@Service
public class UpstreamAdministration {

    private final Upstreams upstreams;
    private final CacheRecords records;

    UpstreamAdministration(Upstreams upstreams, CacheRecords records) {
        this.upstreams = upstreams;
        this.records = records;
    }

    /**
     * An upstream as the admin API and the UI show it: its settings (never its password; {@code authenticated}
     * says whether it has credentials) and how many repositories the cache holds of it.
     */
    public record UpstreamSummary(String name, String url, String namespace, boolean authenticated,
                                  String revalidate, boolean serveStale, List<String> include, List<String> exclude,
                                  boolean officialImages, List<String> mirrorHosts, List<String> mirrorOf,
                                  long cachedRepositories) {
    }

    public List<UpstreamSummary> list(Actor caller) {
        caller.requireAdmin();
        return summaries();
    }

    /** The summaries, for callers that checked the caller themselves (the UI's administrator pages). */
    public List<UpstreamSummary> summaries() {
        Map<String, Long> counts = records.repositoryCounts().stream().collect(Collectors.toMap(
                CacheRecords.CachedRepositoryCount::upstream, CacheRecords.CachedRepositoryCount::repositories));
        return upstreams.all().stream().map(upstream -> {
            var settings = upstream.settings();
            return new UpstreamSummary(upstream.name(), settings.url().toString(), upstream.namespace(),
                    settings.username() != null && !settings.username().isBlank(), settings.revalidate().toString(),
                    settings.serveStale(), settings.include(), settings.exclude(), settings.mapsOfficialImages(),
                    settings.mirrorHosts(), settings.mirroredRegistries(),
                    counts.getOrDefault(upstream.name(), 0L));
        }).toList();
    }
}
