package io.stowage.metadata;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code blobs} and {@code repository_blobs} tables. */
@Repository
public class BlobRecords {

    private final JdbcClient jdbc;

    public BlobRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The blob, if the named repository may serve it. */
    public Optional<BlobRecord> findInRepository(String repository, String digest) {
        return jdbc.sql("""
                select b.digest, b.size, b.storage_key
                from repositories r
                join repository_blobs rb on rb.repository_id = r.id
                join blobs b on b.digest = rb.digest
                where r.name = ? and rb.digest = ?""")
                .param(repository).param(digest)
                .query(BlobRecord.class).optional();
    }

    public Optional<BlobRecord> find(String digest) {
        return jdbc.sql("select digest, size, storage_key from blobs where digest = ?")
                .param(digest).query(BlobRecord.class).optional();
    }

    /** Records a stored object; a concurrent or earlier record of the same digest wins. */
    public void insert(String digest, long size, String storageKey) {
        jdbc.sql("insert into blobs (digest, size, storage_key) values (?, ?, ?) on conflict (digest) do nothing")
                .param(digest).param(size).param(storageKey).update();
    }

    public void link(long repositoryId, String digest) {
        jdbc.sql("""
                insert into repository_blobs (repository_id, digest) values (?, ?)
                on conflict do nothing""").param(repositoryId).param(digest).update();
    }

    /**
     * Locks the repository's link to a blob for the rest of the transaction (waiting for manifest pushes
     * that reference it to commit); false when there is no such link.
     */
    public boolean lockLink(long repositoryId, String digest) {
        return jdbc.sql("select 1 from repository_blobs where repository_id = ? and digest = ? for update")
                .param(repositoryId).param(digest).query(Integer.class).optional().isPresent();
    }

    public boolean unlink(long repositoryId, String digest) {
        return jdbc.sql("delete from repository_blobs where repository_id = ? and digest = ?")
                .param(repositoryId).param(digest).update() > 0;
    }

    /**
     * The sizes of those {@code digests} the repository may serve, locking their rows until the transaction
     * ends so that nothing unlinks or collects them while a manifest that references them is committed.
     */
    public Map<String, Long> lockLinked(long repositoryId, Collection<String> digests) {
        Map<String, Long> sizes = new HashMap<>();
        if (digests.isEmpty()) {
            return sizes;
        }
        jdbc.sql("""
                select b.digest, b.size from repository_blobs rb join blobs b on b.digest = rb.digest
                where rb.repository_id = ? and rb.digest = any(?)
                order by b.digest
                for share of rb, b""")
                .param(repositoryId).param(digests.toArray(String[]::new))
                .query(rs -> {
                    sizes.put(rs.getString(1), rs.getLong(2));
                });
        return sizes;
    }

    /** Digests of the blobs the repository links or its manifests reference, in order. */
    public List<String> digestsUsedBy(long repositoryId) {
        return jdbc.sql("""
                select digest from repository_blobs where repository_id = ?
                union
                select l.digest from manifest_layers l join manifests m on m.id = l.manifest_id
                where m.repository_id = ?
                order by 1""").param(repositoryId).param(repositoryId).query(String.class).list();
    }

    /** Removes every blob link of the repository; the blobs stay, for the collector to review. */
    public int unlinkAll(long repositoryId) {
        return jdbc.sql("delete from repository_blobs where repository_id = ?").param(repositoryId).update();
    }

    /** Whether a manifest of the repository references the blob (as config or layer). */
    public boolean isReferenced(long repositoryId, String digest) {
        return jdbc.sql("""
                select exists (select 1 from manifest_layers l join manifests m on m.id = l.manifest_id
                               where m.repository_id = ? and l.digest = ?)""")
                .param(repositoryId).param(digest).query(Boolean.class).single();
    }

    /** Whether {@code repository} holds the blob and passes {@code filter}. */
    public boolean isLinked(String repository, String digest, RepositoryFilter filter) {
        var statement = jdbc.sql("""
                select exists (select 1 from repository_blobs rb join repositories r on r.id = rb.repository_id
                               where r.name = ? and rb.digest = ? and %s)""".formatted(filter.condition("r")))
                .param(repository).param(digest);
        statement = filter.bind(statement);
        return statement.query(Boolean.class).single();
    }

    /** Whether any repository that passes {@code filter} holds the blob. */
    public boolean isLinkedIn(String digest, RepositoryFilter filter) {
        var statement = jdbc.sql("""
                select exists (select 1 from repository_blobs rb join repositories r on r.id = rb.repository_id
                               where rb.digest = ? and %s)""".formatted(filter.condition("r")))
                .param(digest);
        statement = filter.bind(statement);
        return statement.query(Boolean.class).single();
    }
}
