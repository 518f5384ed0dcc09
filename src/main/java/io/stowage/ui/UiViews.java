package io.stowage.ui;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import io.stowage.metadata.RepositoryRecords.RepositorySummary;
import io.stowage.metadata.TagRecords.TagDetail;

/** What the pages show, formatted: sizes in binary units, times in UTC to the minute. */
public final class UiViews {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private UiViews() {
    }

    /** A row of the repositories page. */
    public record RepositoryRow(String name, String path, boolean isPublic, String pushed, String size, long storedBytes) {
        static RepositoryRow of(RepositorySummary summary) {
            return new RepositoryRow(summary.name(), UiPaths.repository(summary.name()),
                    "public".equals(summary.visibility()), time(summary.pushedAt()), bytes(summary.storedBytes()),
                    summary.storedBytes());
        }
    }

    /** A row of a repository's tag table, with the command that pulls it. */
    public record TagRow(String name, String digest, String shortDigest, String mediaType, String size, String pushed,
                  String pullCommand) {
        static TagRow of(String host, String repository, TagDetail tag) {
            String hex = tag.digest().substring(tag.digest().indexOf(':') + 1);
            return new TagRow(tag.name(), tag.digest(), hex.substring(0, Math.min(12, hex.length())),
                    tag.mediaType(), bytes(tag.size()), time(tag.updatedAt()),
                    "docker pull " + host + "/" + repository + ":" + tag.name());
        }
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
