package io.stowage.metadata;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code tags} table. */
@Repository
public class TagRecords {

    private final JdbcClient jdbc;

    public TagRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Points a tag at a manifest, creating or moving it. */
    public void put(long repositoryId, String name, long manifestId) {
        jdbc.sql("""
                insert into tags (repository_id, name, manifest_id) values (?, ?, ?)
                on conflict (repository_id, name)
                do update set manifest_id = excluded.manifest_id, updated_at = now()
                where tags.manifest_id <> excluded.manifest_id""")
                .param(repositoryId).param(name).param(manifestId).update();
    }

    public boolean delete(long repositoryId, String name) {
        return jdbc.sql("delete from tags where repository_id = ? and name = ?")
                .param(repositoryId).param(name).update() > 0;
    }

    /** Tag names in byte order after {@code last} (exclusive); at most {@code limit}. */
    public List<String> list(long repositoryId, String last, int limit) {
        return jdbc.sql("select name from tags where repository_id = ? and name > ? order by name limit ?")
                .param(repositoryId).param(last == null ? "" : last).param(limit)
                .query(String.class).list();
    }
}
