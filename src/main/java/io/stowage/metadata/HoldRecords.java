package io.stowage.metadata;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code holds} table: legal holds on tags and manifests. */
@Repository
public class HoldRecords {

    /** A hold; exactly one of {@code tag} and {@code digest} is set. */
    public record Row(long id, String repository, String tag, String digest, String reason, String createdBy,
                      Instant createdAt) {
    }

    private static final String COLUMNS = """
            select h.id, r.name, h.tag, m.digest, h.reason, h.created_by, h.created_at
            from holds h join repositories r on r.id = h.repository_id left join manifests m on m.id = h.manifest_id
            """;

    private final JdbcClient jdbc;

    public HoldRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<Row> list() {
        return jdbc.sql(COLUMNS + " order by h.id").query(HoldRecords::row).list();
    }

    public List<Row> ofRepository(long repositoryId) {
        return jdbc.sql(COLUMNS + " where h.repository_id = ? order by h.id").param(repositoryId)
                .query(HoldRecords::row).list();
    }

    public Optional<Row> find(long id) {
        return jdbc.sql(COLUMNS + " where h.id = ?").param(id).query(HoldRecords::row).optional();
    }

    /** The hold on the tag, if any. */
    public Optional<Row> onTag(long repositoryId, String tag) {
        return jdbc.sql(COLUMNS + " where h.repository_id = ? and h.tag = ?").param(repositoryId).param(tag)
                .query(HoldRecords::row).optional();
    }

    /** The holds that keep the manifest: on itself, and on the tags pointing to it. */
    public List<Row> keeping(long manifestId) {
        return jdbc.sql(COLUMNS + """
                 where h.manifest_id = ?
                    or exists (select 1 from tags t where t.repository_id = h.repository_id and t.name = h.tag
                               and t.manifest_id = ?)
                 order by h.id""").param(manifestId).param(manifestId).query(HoldRecords::row).list();
    }

    /** Holds a tag; the new hold's id, or empty if the tag is held already. The tag row is locked meanwhile. */
    public Optional<Long> holdTag(long repositoryId, String tag, String reason, String createdBy) {
        return jdbc.sql("""
                insert into holds (repository_id, tag, reason, created_by) values (?, ?, ?, ?)
                on conflict (repository_id, tag) where tag is not null do nothing returning id""")
                .param(repositoryId).param(tag).param(reason).param(createdBy).query(Long.class).optional();
    }

    /** Holds a manifest; the new hold's id, or empty if it is held already. */
    public Optional<Long> holdManifest(long repositoryId, long manifestId, String reason, String createdBy) {
        return jdbc.sql("""
                insert into holds (repository_id, manifest_id, reason, created_by) values (?, ?, ?, ?)
                on conflict (manifest_id) where manifest_id is not null do nothing returning id""")
                .param(repositoryId).param(manifestId).param(reason).param(createdBy).query(Long.class).optional();
    }

    public boolean delete(long id) {
        return jdbc.sql("delete from holds where id = ?").param(id).update() > 0;
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getTimestamp(7).toInstant());
    }
}
