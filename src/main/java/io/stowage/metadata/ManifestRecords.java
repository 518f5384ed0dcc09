package io.stowage.metadata;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code manifests}, {@code manifest_layers} and {@code manifest_references} tables. */
@Repository
public class ManifestRecords {

    private static final String NO_PAYLOAD = "null::bytea, length(m.payload)";

    private final JdbcClient jdbc;

    public ManifestRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A manifest of the named repository by digest, without its bytes ({@link #payload}). */
    public Optional<ManifestRecord> findByDigest(String repository, String digest) {
        return jdbc.sql("select m.id, m.digest, m.media_type, " + NO_PAYLOAD
                        + " from manifests m join repositories r on r.id = m.repository_id"
                        + " where r.name = ? and m.digest = ?")
                .param(repository).param(digest)
                .query(ManifestRecords::map).optional();
    }

    /** The manifest a tag of the named repository points to, without its bytes ({@link #payload}). */
    public Optional<ManifestRecord> findByTag(String repository, String tag) {
        return jdbc.sql("select m.id, m.digest, m.media_type, " + NO_PAYLOAD
                        + " from tags t join repositories r on r.id = t.repository_id"
                        + " join manifests m on m.id = t.manifest_id"
                        + " where r.name = ? and t.name = ?")
                .param(repository).param(tag)
                .query(ManifestRecords::map).optional();
    }

    /** The stored bytes of a manifest; empty if it was deleted meanwhile. */
    public Optional<byte[]> payload(long manifestId) {
        return jdbc.sql("select payload from manifests where id = ?").param(manifestId).query(byte[].class).optional();
    }

    /** Ids and sizes (payload length) of those {@code digests} the repository holds, locked against deletion. */
    public Map<String, long[]> lockExisting(long repositoryId, Collection<String> digests) {
        Map<String, long[]> found = new HashMap<>();
        if (digests.isEmpty()) {
            return found;
        }
        jdbc.sql("""
                select digest, id, length(payload) from manifests
                where repository_id = ? and digest = any(?)
                order by digest
                for share""")
                .param(repositoryId).param(digests.toArray(String[]::new))
                .query(rs -> {
                    found.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                });
        return found;
    }

    /**
     * Records a manifest with its references. Returns its id; if the repository already holds the same
     * digest, nothing is written and the existing id is returned, the row locked against deletion until the
     * transaction ends (as {@link #lockExisting} locks an index's children): the caller is about to tag it, and a
     * tag must not point at a manifest that the collector or a delete by digest removes under it. If one of them
     * removed it meanwhile, it is inserted anew.
     */
    public long insert(NewManifest manifest) {
        Optional<Long> inserted;
        while (true) {
            inserted = jdbc.sql("""
                    insert into manifests (repository_id, digest, media_type, artifact_type, payload, config_digest,
                                           subject_digest, annotations, total_size, platforms)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    on conflict (repository_id, digest) do nothing
                    returning id""")
                    .param(manifest.repositoryId()).param(manifest.digest()).param(manifest.mediaType())
                    .param(manifest.artifactType()).param(manifest.payload()).param(manifest.configDigest())
                    .param(manifest.subjectDigest()).param(manifest.annotationsJson()).param(manifest.totalSize())
                    .param(manifest.platforms())
                    .query(Long.class).optional();
            if (inserted.isPresent()) {
                break;
            }
            Optional<Long> existing = jdbc.sql("select id from manifests where repository_id = ? and digest = ? for share")
                    .param(manifest.repositoryId()).param(manifest.digest()).query(Long.class).optional();
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        long id = inserted.get();
        List<NewManifest.Layer> layers = manifest.layers();
        if (!layers.isEmpty()) {
            StringBuilder sql = new StringBuilder(
                    "insert into manifest_layers (manifest_id, position, digest, size, media_type) values ");
            for (int i = 0; i < layers.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?)");
            }
            var statement = jdbc.sql(sql.toString());
            for (int i = 0; i < layers.size(); i++) {
                NewManifest.Layer layer = layers.get(i);
                statement = statement.param(id).param(i).param(layer.digest()).param(layer.size()).param(layer.mediaType());
            }
            statement.update();
        }
        if (!manifest.childIds().isEmpty()) {
            jdbc.sql("""
                    insert into manifest_references (parent_id, child_id)
                    select ?, unnest(?) on conflict do nothing""")
                    .param(id).param(manifest.childIds().toArray(Long[]::new)).update();
        }
        return id;
    }

    /**
     * Locks a manifest of the repository for deletion (waiting for index pushes that list it to commit);
     * its id, if it exists.
     */
    public Optional<Long> lockForDeletion(long repositoryId, String digest) {
        return jdbc.sql("select id from manifests where repository_id = ? and digest = ? for update")
                .param(repositoryId).param(digest).query(Long.class).optional();
    }

    /** Digests of the indexes in the repository that list this manifest. */
    public List<String> parentDigests(long manifestId) {
        return jdbc.sql("""
                select p.digest from manifest_references mr join manifests p on p.id = mr.parent_id
                where mr.child_id = ? order by p.digest""")
                .param(manifestId).query(String.class).list();
    }

    public boolean delete(long manifestId) {
        return jdbc.sql("delete from manifests where id = ?").param(manifestId).update() > 0;
    }

    /**
     * Deletes every manifest of the repository, with what cascades from them (their layers, tags and reviews); how
     * many there were. Indexes list only manifests of their own repository, so nothing outside it pointed to them.
     */
    public int deleteAll(long repositoryId) {
        // The index-to-child rows first: their foreign key to the child does not cascade, and whether one statement
        // checks it before or after the cascade from the parent removed them depends on the order triggers fire in.
        jdbc.sql("""
                delete from manifest_references r using manifests m
                where m.id = r.parent_id and m.repository_id = ?""").param(repositoryId).update();
        return jdbc.sql("delete from manifests where repository_id = ?").param(repositoryId).update();
    }

    /**
     * Manifests of the repository whose subject is {@code subject}, optionally of one artifact type, in digest
     * order after {@code last}; at most {@code limit}.
     */
    public List<ReferrerRecord> referrers(String repository, String subject, String artifactType, String last,
                                          int limit) {
        return jdbc.sql("""
                select m.digest, m.media_type, length(m.payload) as size, m.artifact_type, m.annotations as annotations_json
                from manifests m join repositories r on r.id = m.repository_id
                where r.name = ? and m.subject_digest = ? and (cast(? as text) is null or m.artifact_type = ?)
                  and m.digest > ?
                order by m.digest limit ?""")
                .param(repository).param(subject).param(artifactType).param(artifactType)
                .param(last == null ? "" : last).param(limit)
                .query(ReferrerRecord.class).list();
    }


    private static ManifestRecord map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new ManifestRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4), rs.getLong(5));
    }
}
