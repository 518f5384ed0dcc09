package io.stowage.metadata;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the pull-through cache records beside ordinary content: when a cached tag was last confirmed upstream
 * ({@code tags.checked_at}), the children a cached index lists that are not here yet
 * ({@code manifest_pending_children}), and the fetches in progress across nodes ({@code proxy_fetches}).
 */
@Repository
public class CacheRecords {

    private final JdbcClient jdbc;

    public CacheRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A cached tag: the digest it points to, and when the upstream last confirmed it (null: never). */
    public record CachedTag(long manifestId, String digest, Instant checkedAt) {
    }

    public Optional<CachedTag> tag(String repository, String tag) {
        return jdbc.sql("""
                select m.id, m.digest, t.checked_at
                from tags t join repositories r on r.id = t.repository_id join manifests m on m.id = t.manifest_id
                where r.name = ? and t.name = ?""")
                .param(repository).param(tag)
                .query((rs, row) -> new CachedTag(rs.getLong(1), rs.getString(2),
                        Timestamps.instant(rs.getTimestamp(3))))
                .optional();
    }

    /** Records that the upstream confirmed the tag now. */
    public void confirm(long repositoryId, String tag) {
        jdbc.sql("update tags set checked_at = now() where repository_id = ? and name = ?")
                .param(repositoryId).param(tag).update();
    }

    /** The id of a manifest of the repository, if it holds that digest. */
    public Optional<Long> manifestId(String repository, String digest) {
        return jdbc.sql("""
                select m.id from manifests m join repositories r on r.id = m.repository_id
                where r.name = ? and m.digest = ?""").param(repository).param(digest).query(Long.class).optional();
    }

    /** Whether a manifest of the named repository lists the blob (as config or layer). */
    public boolean isListed(String repository, String digest) {
        return jdbc.sql("""
                select exists (select 1 from manifest_layers l join manifests m on m.id = l.manifest_id
                               join repositories r on r.id = m.repository_id
                               where r.name = ? and l.digest = ?)""")
                .param(repository).param(digest).query(Boolean.class).single();
    }

    /** Notes children of a cached index that are not here yet. */
    public void addPendingChildren(long parentId, Collection<String> digests) {
        if (digests.isEmpty()) {
            return;
        }
        jdbc.sql("""
                insert into manifest_pending_children (parent_id, child_digest)
                select ?, unnest(?) on conflict do nothing""")
                .param(parentId).param(digests.toArray(String[]::new)).update();
    }

    /**
     * Makes a manifest that just arrived the child of every index of its repository waiting for it; how many there
     * were. The index's row is share-locked, so that a deletion of it either finished before or waits for this.
     */
    public int adoptChild(long repositoryId, String digest, long childId) {
        int adopted = jdbc.sql("""
                insert into manifest_references (parent_id, child_id)
                select p.parent_id, ? from manifest_pending_children p join manifests m on m.id = p.parent_id
                where m.repository_id = ? and p.child_digest = ?
                order by p.parent_id
                for share of m
                on conflict do nothing""")
                .param(childId).param(repositoryId).param(digest).update();
        jdbc.sql("""
                delete from manifest_pending_children p using manifests m
                where m.id = p.parent_id and m.repository_id = ? and p.child_digest = ?""")
                .param(repositoryId).param(digest).update();
        return adopted;
    }

    /** A cached repository's upstream, pulls and when one of its tags was last confirmed upstream. */
    public record CachedRepositoryCount(String upstream, long repositories) {
    }

    /** How many cached repositories each upstream (by name) has. */
    public List<CachedRepositoryCount> repositoryCounts() {
        return jdbc.sql("""
                select upstream, count(*) from repositories where upstream is not null
                group by upstream order by upstream""")
                .query((rs, row) -> new CachedRepositoryCount(rs.getString(1), rs.getLong(2))).list();
    }

    // ---- fetch leases

    /** Claims the fetch of {@code key} for {@code node}, unless another node holds an unexpired claim on it. */
    public boolean tryLease(String key, String node, Duration lease) {
        return jdbc.sql("""
                insert into proxy_fetches (key, node, leased_until) values (?, ?, now() + (? * interval '1 millisecond'))
                on conflict (key) do update set node = excluded.node, leased_until = excluded.leased_until
                where proxy_fetches.leased_until < now() or proxy_fetches.node = excluded.node""")
                .param(key).param(node).param(lease.toMillis()).update() > 0;
    }

    /** Extends this node's claim; false if it lost it (expired and taken by another node). */
    public boolean renewLease(String key, String node, Duration lease) {
        return jdbc.sql("""
                update proxy_fetches set leased_until = now() + (? * interval '1 millisecond')
                where key = ? and node = ?""").param(lease.toMillis()).param(key).param(node).update() > 0;
    }

    public void releaseLease(String key, String node) {
        jdbc.sql("delete from proxy_fetches where key = ? and node = ?").param(key).param(node).update();
    }

    /** Whether a node holds an unexpired claim on the fetch. */
    public boolean isLeased(String key) {
        return jdbc.sql("select exists (select 1 from proxy_fetches where key = ? and leased_until >= now())")
                .param(key).query(Boolean.class).single();
    }

    // ---- eviction

    /** Tags of cached repositories whose manifest was neither pulled nor fetched since {@code before}. */
    public record StaleTag(long repositoryId, String repository, String tag) {
    }

    public List<StaleTag> unusedTags(Instant before, int limit) {
        return jdbc.sql("""
                select r.id, r.name, t.name from tags t
                join repositories r on r.id = t.repository_id join manifests m on m.id = t.manifest_id
                where r.upstream is not null and coalesce(m.last_pulled_at, m.created_at) < ?
                  and t.updated_at < ?
                order by r.id, t.name limit ?""")
                .param(java.sql.Timestamp.from(before)).param(java.sql.Timestamp.from(before)).param(limit)
                .query((rs, row) -> new StaleTag(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
    }

    /**
     * Untagged manifests of cached repositories, listed by no index, neither pulled nor fetched since
     * {@code before}, and not queued for review already: those pulled by digest only, and the children of evicted
     * indexes.
     */
    public List<Long> unusedUntaggedManifests(Instant before, int limit) {
        return jdbc.sql("""
                select m.id from manifests m join repositories r on r.id = m.repository_id
                where r.upstream is not null and coalesce(m.last_pulled_at, m.created_at) < ?
                  and not exists (select 1 from tags t where t.manifest_id = m.id)
                  and not exists (select 1 from manifest_references mr where mr.child_id = m.id)
                  and not exists (select 1 from gc_manifest_reviews g where g.manifest_id = m.id)
                order by m.id limit ?""")
                .param(java.sql.Timestamp.from(before)).param(limit).query(Long.class).list();
    }
}
