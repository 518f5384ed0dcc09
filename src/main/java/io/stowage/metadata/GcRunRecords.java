package io.stowage.metadata;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code gc_runs} table: the garbage collection passes worth recording, the newest {@value #KEPT} kept. */
@Repository
public class GcRunRecords {

    /** How many runs the table keeps: each insert deletes the older ones. */
    public static final int KEPT = 200;

    private final JdbcClient jdbc;

    public GcRunRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One garbage collection pass (in a dry run, what it would have deleted).
     *
     * @param id 0 until recorded
     * @param trigger {@code scheduled} (the collector's own passes) or {@code admin} (asked for through the API)
     * @param node the host that ran it, or null when unknown
     * @param error why the pass stopped early, or null when it finished
     */
    public record GcRun(long id, Instant startedAt, Instant finishedAt, String trigger, boolean dryRun, String node,
                        int manifests, int links, int blobs, long freedBytes, int deleteFailures, int reviewFailures,
                        String error) {
    }

    /** Appends a run and, in the same statement, deletes all but the newest {@value #KEPT}. */
    public void record(GcRun run) {
        // The delete does not see the row being inserted (one snapshot): KEPT - 1 older rows stay beside it.
        jdbc.sql("""
                with inserted as (
                    insert into gc_runs (started_at, finished_at, trigger, dry_run, node, manifests, links, blobs,
                                         freed_bytes, delete_failures, review_failures, error)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))
                delete from gc_runs where id in (select id from gc_runs order by id desc offset ?)""")
                .param(Timestamp.from(run.startedAt())).param(Timestamp.from(run.finishedAt())).param(run.trigger())
                .param(run.dryRun()).param(run.node()).param(run.manifests()).param(run.links()).param(run.blobs())
                .param(run.freedBytes()).param(run.deleteFailures()).param(run.reviewFailures()).param(run.error())
                .param(KEPT - 1)
                .update();
    }

    /** The newest {@code limit} runs, newest first. */
    public List<GcRun> latest(int limit) {
        return jdbc.sql("""
                select id, started_at, finished_at, trigger, dry_run, node, manifests, links, blobs, freed_bytes,
                       delete_failures, review_failures, error
                from gc_runs order by id desc limit ?""")
                .param(limit).query(GcRunRecords::map).list();
    }

    private static GcRun map(ResultSet rs, int row) throws SQLException {
        return new GcRun(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant(),
                rs.getString(4), rs.getBoolean(5), rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getInt(9),
                rs.getLong(10), rs.getInt(11), rs.getInt(12), rs.getString(13));
    }
}
