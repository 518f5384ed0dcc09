package io.stowage.metadata;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code uploads} table: upload sessions, shared by every node. */
@Repository
public class UploadRecords {

    private static final String COLUMNS = "u.id, u.repository_id, u.digest_algorithm, u.storage_ref, u.received, u.updated_at, u.hash_state, u.started_at";

    private final JdbcClient jdbc;

    public UploadRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(UUID id, long repositoryId, String digestAlgorithm) {
        jdbc.sql("insert into uploads (id, repository_id, digest_algorithm) values (?, ?, ?)")
                .param(id).param(repositoryId).param(digestAlgorithm).update();
    }

    /** The session, if it exists and belongs to the named repository. */
    public Optional<UploadRecord> find(String repository, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from uploads u join repositories r on r.id = u.repository_id"
                        + " where u.id = ? and r.name = ?")
                .param(id).param(repository)
                .query(UploadRecords::map).optional();
    }

    public Optional<UploadRecord> findById(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from uploads u where u.id = ?").param(id)
                .query(UploadRecords::map).optional();
    }

    /**
     * Moves the session forward from {@code from} to {@code to} bytes, with the digest state after {@code to} bytes
     * (null if there is none: a stale one must never stay behind); false when another request moved it first (the
     * caller's chunk then did not land where it thought).
     */
    public boolean advance(UUID id, long from, long to, String storageRef, byte[] hashState) {
        return jdbc.sql("update uploads set received = ?, storage_ref = ?, hash_state = ?, updated_at = now()"
                        + " where id = ? and received = ?")
                .param(to).param(storageRef).param(hashState).param(id).param(from).update() == 1;
    }

    public boolean delete(UUID id) {
        return jdbc.sql("delete from uploads where id = ?").param(id).update() > 0;
    }

    public boolean exists(UUID id) {
        return jdbc.sql("select exists (select 1 from uploads where id = ?)").param(id).query(Boolean.class).single();
    }

    public List<UploadRecord> untouchedSince(Instant before, int limit) {
        return jdbc.sql("select " + COLUMNS + " from uploads u where u.updated_at < ? order by u.updated_at limit ?")
                .param(Timestamp.from(before)).param(limit)
                .query(UploadRecords::map).list();
    }

    private static UploadRecord map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new UploadRecord(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3), rs.getString(4),
                rs.getLong(5), rs.getTimestamp(6).toInstant(), rs.getBytes(7), rs.getTimestamp(8).toInstant());
    }
}
