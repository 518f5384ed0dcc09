package io.stowage.metadata;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code repositories} table. */
@Repository
public class RepositoryRecords {

    // Advisory lock keys are hashes of text; the prefix keeps these apart from the collector's keys.
    private static final String WRITES = "repository-writes:";

    private final JdbcClient jdbc;

    public RepositoryRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Long> findId(String name) {
        return jdbc.sql("select id from repositories where name = ?").param(name).query(Long.class).optional();
    }

    /** The repository's id if it holds at least one manifest (what the catalog lists). */
    public Optional<Long> findIdWithContent(String name) {
        return jdbc.sql("""
                select r.id from repositories r
                where r.name = ? and exists (select 1 from manifests m where m.repository_id = r.id)""")
                .param(name).query(Long.class).optional();
    }

    /**
     * Holds the name against a deletion of the repository until the transaction ends: every change to a
     * repository's content takes this before it looks the repository up, and {@link #lockNameExclusive} (repository
     * deletion) waits for those in progress and holds back new ones. Keyed by name, so it also covers creation.
     */
    public void lockNameShared(String name) {
        jdbc.sql("select pg_advisory_xact_lock_shared(hashtextextended(?, 0))").param(WRITES + name)
                .query(Object.class).single();
    }

    /** The exclusive counterpart of {@link #lockNameShared}: no change to the repository runs until the end. */
    public void lockNameExclusive(String name) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(?, 0))").param(WRITES + name)
                .query(Object.class).single();
    }

    /** Locks the repository's row for update until the transaction ends; false if it does not exist. */
    public boolean lockForDeletion(long id) {
        return jdbc.sql("select id from repositories where id = ? for update").param(id).query(Long.class)
                .optional().isPresent();
    }

    /** Deletes the repository's row; what still references it (upload sessions, settings) goes with it. */
    public void delete(long id) {
        jdbc.sql("delete from repositories where id = ?").param(id).update();
    }

    /** The repository's id, creating the repository on first use. */
    public long getOrCreate(String name) {
        Optional<Long> id = findId(name);
        // Do nothing on conflict, then read what the other creation committed: "do update" would lock the row for
        // update to the end of this transaction and block every foreign key check on it (the links and reviews of
        // other pushes), which closed deadlocks between pushes into a new repository. Repeats if a deletion came
        // between the two.
        while (id.isEmpty()) {
            id = jdbc.sql("insert into repositories (name) values (?) on conflict (name) do nothing returning id")
                    .param(name).query(Long.class).optional().or(() -> findId(name));
        }
        return id.get();
    }

    /** Marks the repository as a cache of the named upstream (once: an update only when it was not marked so). */
    public void markCached(long id, String upstream) {
        jdbc.sql("update repositories set upstream = ? where id = ? and upstream is distinct from ?")
                .param(upstream).param(id).param(upstream).update();
    }

    public void markPushed(long id) {
        jdbc.sql("update repositories set pushed_at = now() where id = ?").param(id).update();
    }

    /**
     * Names of repositories that hold at least one manifest and pass {@code filter}, in byte order, after
     * {@code last}.
     */
    public List<String> namesWithContent(String last, int limit, RepositoryFilter filter) {
        var statement = jdbc.sql("""
                select r.name from repositories r
                where r.name > ? and %s and exists (select 1 from manifests m where m.repository_id = r.id)
                order by r.name limit ?""".formatted(filter.condition("r")))
                .param(last == null ? "" : last);
        statement = filter.bind(statement);
        return statement.param(limit).query(String.class).list();
    }

    // Case-insensitive substring of the name or the description; strpos, unlike like, needs no escaping of % and _.
    private static final String MATCHES = """
            exists (select 1 from manifests m where m.repository_id = r.id)
            and (strpos(lower(r.name), lower(?)) > 0 or strpos(lower(coalesce(r.description, '')), lower(?)) > 0)
            and %s""";

    /**
     * Repositories holding at least one manifest, passing {@code filter}, whose name or description contains
     * {@code query} (ignoring case): most pulled first, then in byte order of names; {@code limit} after skipping
     * {@code offset}.
     */
    public List<RepositoryMatch> search(String query, int limit, long offset, RepositoryFilter filter) {
        var statement = jdbc.sql("select r.name, r.description, r.pull_count from repositories r where "
                        + MATCHES.formatted(filter.condition("r"))
                        + " order by r.pull_count desc, r.name limit ? offset ?")
                .param(query).param(query);
        return filter.bind(statement).param(limit).param(offset)
                .query((rs, row) -> new RepositoryMatch(rs.getString(1), rs.getString(2), rs.getLong(3))).list();
    }

    /** How many repositories {@link #search} finds in all. */
    public long countMatches(String query, RepositoryFilter filter) {
        var statement = jdbc.sql("select count(*) from repositories r where "
                        + MATCHES.formatted(filter.condition("r")))
                .param(query).param(query);
        return filter.bind(statement).query(Long.class).single();
    }

    /** Whether the repository exists and was made public. */
    public boolean isPublic(String name) {
        return jdbc.sql("select visibility = 'public' from repositories where name = ?").param(name)
                .query(Boolean.class).optional().orElse(false);
    }

    /** The repository's visibility ({@code private} or {@code public}), if it exists. */
    public Optional<String> visibility(String name) {
        return jdbc.sql("select visibility from repositories where name = ?").param(name)
                .query(String.class).optional();
    }

    /** The repository's settings, if it exists. */
    public Optional<RepositoryRecord> find(String name) {
        return jdbc.sql("select id, name, visibility, description, pull_count, pulled_at from repositories "
                        + "where name = ?").param(name)
                .query((rs, row) -> new RepositoryRecord(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getLong(5), Timestamps.instant(rs.getTimestamp(6))))
                .optional();
    }

    /** Sets visibility and, when not null, description, creating the repository if needed. */
    public void update(String name, String visibility, String description) {
        update(getOrCreate(name), visibility, description);
    }

    /** Sets visibility when not null and description when not null. */
    public void update(long id, String visibility, String description) {
        jdbc.sql("""
                update repositories set visibility = coalesce(?, visibility), description = coalesce(?, description)
                where id = ?""").param(visibility).param(description).param(id).update();
    }

    /**
     * Up to {@code limit} repositories that pass {@code filter} and whose name contains {@code contains} (any, when
     * empty), with their last push and the bytes of the blobs linked to them, in {@code order}, after skipping
     * {@code offset}: one statement.
     */
    public List<RepositorySummary> summaries(RepositoryFilter filter, String contains, SummaryOrder order, long offset,
                                             int limit) {
        String orderBy = switch (order) {
            case NAME -> "r.name";
            case PUSHED -> "r.pushed_at desc nulls last, r.name";
            case SIZE -> "stored_bytes desc, r.name";
            case PULLS -> "r.pull_count desc, r.name";
        };
        var statement = jdbc.sql("""
                select r.name, r.visibility, r.pushed_at, r.pull_count,
                       coalesce((select sum(b.size) from repository_blobs rb join blobs b on b.digest = rb.digest
                                 where rb.repository_id = r.id), 0) as stored_bytes, r.upstream
                from repositories r
                where %s and strpos(r.name, ?) > 0
                order by %s limit ? offset ?""".formatted(filter.condition("r"), orderBy));
        statement = filter.bind(statement);
        return statement.param(contains == null ? "" : contains).param(limit).param(offset)
                .query((rs, row) -> new RepositorySummary(rs.getString(1), rs.getString(2),
                        Timestamps.instant(rs.getTimestamp(3)), rs.getLong(5),
                        rs.getLong(4), rs.getString(6)))
                .list();
    }

    /** How many repositories {@link #summaries} lists in all. */
    public long countSummaries(RepositoryFilter filter, String contains) {
        var statement = jdbc.sql("select count(*) from repositories r where %s and strpos(r.name, ?) > 0"
                .formatted(filter.condition("r")));
        return filter.bind(statement).param(contains == null ? "" : contains).query(Long.class).single();
    }

    /** How {@link #summaries} orders repositories: by name, most recently pushed, largest or most pulled first. */
    public enum SummaryOrder { NAME, PUSHED, SIZE, PULLS }

    /**
     * A repository as listings show it: {@code storedBytes} is what its linked blobs occupy in storage;
     * {@code upstream} the upstream it is a cache of, null for pushed repositories.
     */
    public record RepositorySummary(String name, String visibility, java.time.Instant pushedAt, long storedBytes,
                                    long pulls, String upstream) {
    }

    /** The repository's settings, last push and number of tags, if it exists. */
    public Optional<RepositoryOverview> overview(String name) {
        return jdbc.sql("""
                select r.id, r.name, r.visibility, r.description, r.pushed_at,
                       (select count(*) from tags t where t.repository_id = r.id), r.upstream, r.pull_count,
                       (select max(t.checked_at) from tags t where t.repository_id = r.id)
                from repositories r where r.name = ?""")
                .param(name)
                .query((rs, row) -> new RepositoryOverview(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), Timestamps.instant(rs.getTimestamp(5)), rs.getLong(6), rs.getString(7),
                        rs.getLong(8), Timestamps.instant(rs.getTimestamp(9))))
                .optional();
    }

    /**
     * A repository's settings, when it was last pushed to (null: never) and how many tags it has; for a cache of an
     * upstream, its name, the pulls served, and when a tag was last confirmed with it (null: never).
     */
    public record RepositoryOverview(long id, String name, String visibility, String description,
                                     java.time.Instant pushedAt, long tagCount, String upstream, long pulls,
                                     java.time.Instant checkedAt) {
    }
}
