package io.stowage.metadata;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Pull counts of manifests and their repositories, added in batches. */
@Repository
public class PullRecords {

    private final JdbcClient jdbc;

    public PullRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Pulls of one manifest since the last flush: how many, and the latest. */
    public record Pulls(long manifestId, long count, Instant last) {
    }

    /**
     * Adds the pulls to their manifests and to those manifests' repositories, in one statement. Counts are added
     * (never set) and times only move forward, so nodes flushing concurrently add up; a manifest deleted meanwhile
     * matches nothing and its pulls are dropped with it.
     */
    public void add(List<Pulls> pulls) {
        if (pulls.isEmpty()) {
            return;
        }
        // Ascending ids: concurrent flushes of other nodes then lock shared rows in the same order.
        List<Pulls> sorted = pulls.stream().sorted(java.util.Comparator.comparingLong(Pulls::manifestId)).toList();
        Long[] ids = sorted.stream().map(Pulls::manifestId).toArray(Long[]::new);
        Long[] counts = sorted.stream().map(Pulls::count).toArray(Long[]::new);
        Timestamp[] times = sorted.stream().map(p -> Timestamp.from(p.last())).toArray(Timestamp[]::new);
        jdbc.sql("""
                with batch as (
                    select * from unnest(?::bigint[], ?::bigint[], ?::timestamptz[]) as b(manifest_id, count, last)),
                counted as (
                    update manifests m
                    set pull_count = m.pull_count + b.count, last_pulled_at = greatest(m.last_pulled_at, b.last)
                    from batch b where m.id = b.manifest_id
                    returning m.repository_id, b.count, b.last),
                per_repository as (
                    select repository_id, sum(count) as count, max(last) as last from counted group by repository_id)
                update repositories r
                set pull_count = r.pull_count + p.count, pulled_at = greatest(r.pulled_at, p.last)
                from per_repository p where r.id = p.repository_id""")
                .param(ids).param(counts).param(times)
                .update();
    }
}
