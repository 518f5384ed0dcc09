package io.stowage.metadata;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code repositories} table. */
@Repository
public class RepositoryRecords {

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

    /** The repository's id, creating the repository on first use. */
    public long getOrCreate(String name) {
        return findId(name).orElseGet(() -> jdbc.sql("""
                insert into repositories (name) values (?)
                on conflict (name) do update set name = excluded.name
                returning id""").param(name).query(Long.class).single());
    }

    public void markPushed(long id) {
        jdbc.sql("update repositories set pushed_at = now() where id = ?").param(id).update();
    }

    /** Names of repositories that hold at least one manifest, in byte order, after {@code last}. */
    public List<String> namesWithContent(String last, int limit) {
        return jdbc.sql("""
                select r.name from repositories r
                where r.name > ? and exists (select 1 from manifests m where m.repository_id = r.id)
                order by r.name limit ?""")
                .param(last == null ? "" : last).param(limit)
                .query(String.class).list();
    }
}
