package io.stowage.metadata;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code tags} table. */
@Repository
public class TagRecords {

    private final JdbcClient jdbc;

    public TagRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Points a tag at a manifest, creating or moving it; the manifest it pointed to before, if it moved. Under
     * concurrent pushes of the same tag, each push learns exactly the manifest it moved the tag away from: a locked
     * read then an update, or an insert that fails over to them when another push created the tag meanwhile (an
     * upsert would move a tag created after the read without saying from where, and that manifest would never be
     * reviewed for collection).
     */
    public Optional<Long> put(long repositoryId, String name, long manifestId) {
        while (true) {
            Optional<Long> previous = jdbc.sql("select manifest_id from tags where repository_id = ? and name = ? for update")
                    .param(repositoryId).param(name).query(Long.class).optional();
            if (previous.isPresent()) {
                if (previous.get() == manifestId) {
                    return Optional.empty();
                }
                jdbc.sql("update tags set manifest_id = ?, updated_at = now() where repository_id = ? and name = ?")
                        .param(manifestId).param(repositoryId).param(name).update();
                return previous;
            }
            int inserted = jdbc.sql("""
                    insert into tags (repository_id, name, manifest_id) values (?, ?, ?)
                    on conflict (repository_id, name) do nothing""")
                    .param(repositoryId).param(name).param(manifestId).update();
            if (inserted > 0) {
                return Optional.empty();
            }
        }
    }

    /** The manifest a deleted tag pointed to. */
    public record Untagged(long manifestId, String digest) {
    }

    /** Deletes a tag; the manifest it pointed to, if it existed. */
    public Optional<Untagged> delete(long repositoryId, String name) {
        return jdbc.sql("""
                with deleted as (delete from tags where repository_id = ? and name = ? returning manifest_id)
                select m.id as manifest_id, m.digest from deleted d join manifests m on m.id = d.manifest_id""")
                .param(repositoryId).param(name).query(Untagged.class).optional();
    }

    /** Locks the tag's row for the rest of the transaction; false if there is no such tag. */
    public boolean lock(long repositoryId, String name) {
        return jdbc.sql("select 1 from tags where repository_id = ? and name = ? for update")
                .param(repositoryId).param(name).query(Integer.class).optional().isPresent();
    }

    /** The names of the tags pointing at the manifest. */
    public List<String> namesOf(long manifestId) {
        return jdbc.sql("select name from tags where manifest_id = ? order by name").param(manifestId)
                .query(String.class).list();
    }

    /** Every tag name of the repository, in byte order. */
    public List<String> allNames(long repositoryId) {
        return jdbc.sql("select name from tags where repository_id = ? order by name").param(repositoryId)
                .query(String.class).list();
    }

    /** Deletes every tag of the repository; how many there were. */
    public int deleteAll(long repositoryId) {
        return jdbc.sql("delete from tags where repository_id = ?").param(repositoryId).update();
    }

    /** Tags with their manifests, in byte order of names after {@code last} (exclusive); at most {@code limit}. */
    public List<TagRecord> listWithManifests(long repositoryId, String last, int limit) {
        return jdbc.sql("""
                select t.name, m.digest, m.media_type, t.updated_at, m.pull_count, m.last_pulled_at
                from tags t join manifests m on m.id = t.manifest_id
                where t.repository_id = ? and t.name > ? order by t.name limit ?""")
                .param(repositoryId).param(last == null ? "" : last).param(limit)
                .query((rs, row) -> new TagRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), rs.getLong(5),
                        Timestamps.instant(rs.getTimestamp(6))))
                .list();
    }

    /** Tag names in byte order after {@code last} (exclusive); at most {@code limit}. */
    public List<String> list(long repositoryId, String last, int limit) {
        return jdbc.sql("select name from tags where repository_id = ? and name > ? order by name limit ?")
                .param(repositoryId).param(last == null ? "" : last).param(limit)
                .query(String.class).list();
    }

    /**
     * A tag with its manifest's digest, media type, total size (manifest, config and layers), platforms (null:
     * unknown) and the manifests referring to it (signatures, SBOMs, attestations): how many, of which artifact types.
     */
    public record TagDetail(String name, String digest, String mediaType, long size, java.time.Instant updatedAt,
                            long pulls, java.time.Instant lastPulledAt, String platforms, int referrers,
                            List<String> referrerTypes) {
    }

    /**
     * Up to {@code limit} of the repository's tags in byte order after skipping {@code offset}, with their manifests'
     * sizes, platforms and referrers: one statement however many tags the page lists.
     */
    public List<TagDetail> listDetails(long repositoryId, long offset, int limit) {
        // The page is cut first, so that referrers are looked up (manifests_subject) for its rows only. An index's
        // size adds its images' configs and layers to theirs, what pulling every platform would fetch (a blob two
        // platforms share counted twice); octet_length reads a payload's length without fetching it.
        return jdbc.sql("""
                with page as (select name, manifest_id, updated_at from tags
                              where repository_id = ? order by name limit ? offset ?)
                select t.name, m.digest, m.media_type, m.total_size + coalesce(c.layers, 0), t.updated_at,
                       m.pull_count, m.last_pulled_at, m.platforms, r.referrers, r.artifact_types
                from page t join manifests m on m.id = t.manifest_id
                cross join lateral (
                    select sum(c.total_size - octet_length(c.payload)) as layers
                    from manifest_references mr join manifests c on c.id = mr.child_id
                    where mr.parent_id = m.id) c
                cross join lateral (
                    select count(*) as referrers,
                           array_agg(distinct s.artifact_type order by s.artifact_type)
                               filter (where s.artifact_type is not null) as artifact_types
                    from manifests s where s.repository_id = m.repository_id and s.subject_digest = m.digest) r
                order by t.name""")
                .param(repositoryId).param(limit).param(offset)
                .query((rs, row) -> new TagDetail(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getTimestamp(5).toInstant(), rs.getLong(6), Timestamps.instant(rs.getTimestamp(7)),
                        rs.getString(8), rs.getInt(9), strings(rs.getArray(10))))
                .list();
    }

    private static List<String> strings(java.sql.Array array) throws java.sql.SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
