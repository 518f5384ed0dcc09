package io.stowage.ui;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.stowage.metadata.RepositoryRecords.RepositorySummary;
import io.stowage.metadata.TagRecords.TagDetail;
import io.stowage.registry.ImageInspector;
import io.stowage.registry.MediaTypes;

/** What the pages show, formatted: sizes in binary units, times in UTC to the minute. */
public final class UiViews {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private UiViews() {
    }

    /** A row of the repositories page. */
    public record RepositoryRow(String name, String path, boolean isPublic, String pushed, String size, long storedBytes,
                                long pulls, String upstream) {
        static RepositoryRow of(RepositorySummary summary) {
            return new RepositoryRow(summary.name(), UiPaths.repository(summary.name()),
                    "public".equals(summary.visibility()), time(summary.pushedAt()), bytes(summary.storedBytes()),
                    summary.storedBytes(), summary.pulls(), summary.upstream());
        }
    }

    /**
     * A row of a repository's tag table, with the command that pulls it: platforms "—" when unknown, {@code signed}
     * when a referrer is a signature, else {@code referrers} says how many there are ("" for none).
     */
    public record TagRow(String name, String digest, String shortDigest, String mediaType, String size, String pushed,
                  long pulls, String lastPulled, String pullCommand, String path, String digestPath, String platforms,
                  boolean signed, String referrers) {
        static TagRow of(String host, String repository, TagDetail tag) {
            boolean signed = tag.referrerTypes().stream().anyMatch(MediaTypes.SIGNATURES::contains);
            return new TagRow(tag.name(), tag.digest(), UiViews.shortDigest(tag.digest()),
                    tag.mediaType(), bytes(tag.size()), time(tag.updatedAt()), tag.pulls(),
                    tag.lastPulledAt() == null ? "never" : time(tag.lastPulledAt()),
                    "docker pull " + host + "/" + repository + ":" + tag.name(),
                    UiPaths.manifest(repository, tag.name()), UiPaths.manifest(repository, tag.digest()),
                    tag.platforms() == null ? "—" : tag.platforms(), signed,
                    tag.referrers() == 0 ? "" : tag.referrers() == 1 ? "1 referrer" : tag.referrers() + " referrers");
        }
    }

    /** Under a listing: which rows it shows ("Tags 101–200 of 1,000") and the pages either side (null: none). */
    public record Pager(String range, int page, long pages, String previous, String next) {
    }

    /** A manifest's page: an index's platforms, or an image's layers, config and history, sizes formatted. */
    public record ManifestView(String digest, String shortDigest, String mediaType, String size, boolean index,
                               List<EntryRow> platforms, List<LayerRow> layers, String layersSize,
                               ImageInspector.Config config, String configNote, List<HistoryRow> history,
                               Map<String, String> annotations, List<ReferrerRow> referrers) {
        static ManifestView of(String repository, ImageInspector.Inspection m) {
            return new ManifestView(m.digest(), UiViews.shortDigest(m.digest()), m.mediaType(), bytes(m.size()), m.index(),
                    m.platforms().stream().map(e -> new EntryRow(e.platform().isEmpty() ? "unknown" : e.platform(),
                            e.digest(), UiViews.shortDigest(e.digest()), e.mediaType(), bytes(e.size()),
                            UiPaths.manifest(repository, e.digest()))).toList(),
                    m.layers().stream().map(l -> new LayerRow(l.index(), l.digest(), UiViews.shortDigest(l.digest()),
                            l.mediaType(), bytes(l.size()))).toList(),
                    bytes(m.layersSize()), m.config(), m.configNote(),
                    m.history().stream().map(h -> new HistoryRow(h.created() == null ? "" : h.created(),
                            h.createdBy() == null ? "" : h.createdBy(), h.size() == null ? "" : bytes(h.size()),
                            h.comment() == null ? "" : h.comment())).toList(),
                    m.annotations(),
                    m.referrers().stream().map(r -> new ReferrerRow(r.artifactType() == null ? r.mediaType()
                            : r.artifactType(), r.digest(), UiViews.shortDigest(r.digest()), bytes(r.size()),
                            UiPaths.manifest(repository, r.digest()))).toList());
        }
    }

    public record EntryRow(String platform, String digest, String shortDigest, String mediaType, String size,
                           String path) {
    }

    public record LayerRow(int index, String digest, String shortDigest, String mediaType, String size) {
    }

    public record HistoryRow(String created, String createdBy, String size, String comment) {
    }

    public record ReferrerRow(String artifactType, String digest, String shortDigest, String size, String path) {
    }

    /** The first 12 hex digits of a digest, as tools show image ids. */
    static String shortDigest(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return hex.substring(0, Math.min(12, hex.length()));
    }

    static String time(Instant instant) {
        return instant == null ? "never" : TIME.format(instant);
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
