package io.stowage.metadata;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code robot_accounts} table. */
@Repository
public class RobotRecords {

    private static final String COLUMNS =
            "id, name, description, disabled, expires_at, created_by, created_at, last_used_at";

    private final JdbcClient jdbc;

    public RobotRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The new robot's id, or empty when the name is taken. */
    public Optional<Long> insert(String name, String description, byte[] secretHash, Instant expiresAt,
                                 String createdBy) {
        return jdbc.sql("""
                insert into robot_accounts (name, description, secret_hash, expires_at, created_by)
                values (?, ?, ?, ?, ?) on conflict (name) do nothing returning id""")
                .param(name).param(description).param(secretHash).param(timestamp(expiresAt)).param(createdBy)
                .query(Long.class).optional();
    }

    public Optional<RobotRecord> findByName(String name) {
        return jdbc.sql("select " + COLUMNS + " from robot_accounts where name = ?").param(name)
                .query(RobotRecords::map).optional();
    }

    /** The stored secret hash of the named robot, if it exists. */
    public Optional<byte[]> secretHash(String name) {
        return jdbc.sql("select secret_hash from robot_accounts where name = ?").param(name)
                .query(byte[].class).optional();
    }

    public List<RobotRecord> list() {
        return jdbc.sql("select " + COLUMNS + " from robot_accounts order by name").query(RobotRecords::map).list();
    }

    public boolean setDisabled(String name, boolean disabled) {
        return jdbc.sql("update robot_accounts set disabled = ? where name = ?").param(disabled).param(name)
                .update() == 1;
    }

    public boolean delete(String name) {
        return jdbc.sql("delete from robot_accounts where name = ?").param(name).update() == 1;
    }

    /** Records a successful sign-in, at most once a minute per robot so busy CI does not write on every request. */
    public void touch(long id) {
        jdbc.sql("""
                update robot_accounts set last_used_at = now()
                where id = ? and (last_used_at is null or last_used_at < now() - interval '1 minute')""")
                .param(id).update();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static RobotRecord map(ResultSet rs, int row) throws SQLException {
        return new RobotRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                Timestamps.instant(rs.getTimestamp(5)), rs.getString(6), Timestamps.instant(rs.getTimestamp(7)), Timestamps.instant(rs.getTimestamp(8)));
    }
}
