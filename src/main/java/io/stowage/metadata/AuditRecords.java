package io.stowage.metadata;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The {@code audit_events} table: appended to, read newest first. */
@Repository
public class AuditRecords {

    private final JdbcClient jdbc;

    public AuditRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Appends an event without waiting for its WAL flush: every push would otherwise pay a second fsync after its
     * own commit. The next durable commit, or PostgreSQL's WAL writer within a fraction of a second, writes it out;
     * a database crash in that window may lose the newest audit events, never registry data.
     */
    @Transactional
    public void insert(String actor, String address, String action, String target, String detail) {
        jdbc.sql("set local synchronous_commit to off").update();
        jdbc.sql("insert into audit_events (actor, address, action, target, detail) values (?, ?, ?, ?, ?)")
                .param(actor).param(address).param(action).param(target).param(detail).update();
    }

    /**
     * Up to {@code limit} events older than the event {@code before} (all when null), newest first, optionally only
     * those of one actor and/or one action.
     */
    public List<AuditEvent> list(Long before, String actor, String action, int limit) {
        StringBuilder sql = new StringBuilder(
                "select id, occurred_at, actor, address, action, target, detail from audit_events where true");
        List<Object> params = new ArrayList<>();
        if (before != null) {
            sql.append(" and id < ?");
            params.add(before);
        }
        if (actor != null) {
            sql.append(" and actor = ?");
            params.add(actor);
        }
        if (action != null) {
            sql.append(" and action = ?");
            params.add(action);
        }
        sql.append(" order by id desc limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(AuditRecords::map).list();
    }

    private static AuditEvent map(ResultSet rs, int row) throws SQLException {
        return new AuditEvent(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7));
    }
}
