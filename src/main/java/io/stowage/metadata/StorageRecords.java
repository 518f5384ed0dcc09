package io.stowage.metadata;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Storage accounting over {@code blobs}, {@code repository_blobs}, {@code manifests} and {@code manifest_layers}:
 * each figure is one set-based statement, whatever the number of repositories.
 */
@Repository
public class StorageRecords {

    private final JdbcClient jdbc;

    public StorageRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A repository's name and usage. */
    public record RepositoryUsage(String name, StorageUsage usage) {
    }

    /**
     * The usage of each repository, by id, counted on its own (a blob two of them share counts in both; its
     * bytes are exclusive to neither). Ids of repositories without content map to {@link StorageUsage#NONE}.
     */
    public Map<Long, StorageUsage> ofRepositories(long[] ids) {
        // octet_length of a bytea reads the length from the TOAST pointer: manifest payloads are not fetched.
        return jdbc.sql("""
                with target as (select distinct unnest(?::bigint[]) as id),
                linked as (
                    select rb.repository_id, b.size,
                           not exists (select 1 from repository_blobs o
                                       where o.digest = rb.digest and o.repository_id <> rb.repository_id) as exclusive
                    from repository_blobs rb join blobs b on b.digest = rb.digest
                    where rb.repository_id in (select id from target)),
                linked_sums as (
                    select repository_id, count(*) as n, sum(size) as bytes,
                           coalesce(sum(size) filter (where exclusive), 0) as exclusive_bytes
                    from linked group by repository_id),
                referenced_sums as (
                    select x.repository_id, sum(b.size) as bytes
                    from (select distinct m.repository_id, ml.digest
                          from manifests m join manifest_layers ml on ml.manifest_id = m.id
                          where m.repository_id in (select id from target)) x
                    join blobs b on b.digest = x.digest
                    group by x.repository_id),
                manifest_sums as (
                    select repository_id, count(*) as n, sum(octet_length(payload)) as bytes
                    from manifests where repository_id in (select id from target) group by repository_id)
                select t.id, coalesce(ms.n, 0), coalesce(ms.bytes, 0), coalesce(rs.bytes, 0),
                       coalesce(ls.n, 0), coalesce(ls.bytes, 0), coalesce(ls.exclusive_bytes, 0)
                from target t
                left join manifest_sums ms on ms.repository_id = t.id
                left join referenced_sums rs on rs.repository_id = t.id
                left join linked_sums ls on ls.repository_id = t.id""")
                .param(ids)
                .query((rs, row) -> Map.entry(rs.getLong(1), new StorageUsage(rs.getLong(2), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7))))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * The usage of the repositories whose names start with {@code prefix + "/"}, counted together: a digest
     * several of them share counts once, and is exclusive if no repository outside the namespace is linked to it.
     *
     * @return the number of repositories and their usage
     */
    public NamespaceUsage ofNamespace(String prefix) {
        // [prefix/, prefix0) is the byte range of names under prefix/ ('0' follows '/'): an index range scan
        // of repositories_name_key, which uses the "C" collation.
        return jdbc.sql("""
                with repos as (select id from repositories where name >= ? and name < ?),
                linked as (select distinct rb.digest from repository_blobs rb
                           where rb.repository_id in (select id from repos)),
                referenced as (select distinct ml.digest from manifests m
                               join manifest_layers ml on ml.manifest_id = m.id
                               where m.repository_id in (select id from repos))
                select (select count(*) from repos),
                       (select count(*) from manifests where repository_id in (select id from repos)),
                       (select coalesce(sum(octet_length(payload)), 0) from manifests
                        where repository_id in (select id from repos)),
                       (select coalesce(sum(b.size), 0) from referenced x join blobs b on b.digest = x.digest),
                       (select count(*) from linked),
                       (select coalesce(sum(b.size), 0) from linked l join blobs b on b.digest = l.digest),
                       (select coalesce(sum(b.size), 0) from linked l join blobs b on b.digest = l.digest
                        where not exists (select 1 from repository_blobs o
                                          where o.digest = l.digest
                                            and o.repository_id not in (select id from repos)))""")
                .param(prefix + "/").param(prefix + "0")
                .query((rs, row) -> new NamespaceUsage(rs.getLong(1), new StorageUsage(rs.getLong(2),
                        rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7))))
                .single();
    }

    /** The number of repositories under a namespace and their usage counted together. */
    public record NamespaceUsage(long repositories, StorageUsage usage) {
    }

    /** The {@code limit} repositories with the most bytes linked, largest first (ties by name). */
    public List<RepositoryUsage> largest(int limit) {
        List<IdAndName> top = jdbc.sql("""
                select r.id, r.name from (
                    select rb.repository_id, sum(b.size) as bytes
                    from repository_blobs rb join blobs b on b.digest = rb.digest
                    group by rb.repository_id) s
                join repositories r on r.id = s.repository_id
                order by s.bytes desc, r.name
                limit ?""")
                .param(limit)
                .query((rs, row) -> new IdAndName(rs.getLong(1), rs.getString(2)))
                .list();
        if (top.isEmpty()) {
            return List.of();
        }
        Map<Long, StorageUsage> usage = ofRepositories(top.stream().mapToLong(IdAndName::id).toArray());
        return top.stream().map(r -> new RepositoryUsage(r.name(), usage.getOrDefault(r.id(), StorageUsage.NONE)))
                .toList();
    }

    private record IdAndName(long id, String name) {
    }

    /** The registry's totals. */
    public StorageTotals totals() {
        return jdbc.sql("""
                select (select count(*) from repositories),
                       (select count(*) from manifests),
                       (select coalesce(sum(octet_length(payload)), 0) from manifests),
                       (select coalesce(sum(b.size), 0)
                        from (select distinct m.repository_id, ml.digest
                              from manifests m join manifest_layers ml on ml.manifest_id = m.id) x
                        join blobs b on b.digest = x.digest),
                       (select count(*) from blobs),
                       (select coalesce(sum(size), 0) from blobs),
                       (select count(*) from uploads),
                       (select coalesce(sum(received), 0) from uploads)""")
                .query((rs, row) -> new StorageTotals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)))
                .single();
    }

    /** A namespace (the first component of repository names with several) and what its repositories hold. */
    public record NamespaceFigures(String namespace, long repositories, long referencedBytes, long storedBytes) {
    }

    /**
     * Every namespace's figures, the {@code limit} largest by stored bytes: a blob counts once per namespace, and in
     * every namespace that links (stored) or references (referenced) it.
     */
    public List<NamespaceFigures> namespaces(int limit) {
        return jdbc.sql("""
                with ns as (select id, split_part(name, '/', 1) as namespace from repositories
                            where position('/' in name) > 0),
                repos as (select namespace, count(*) as n from ns group by namespace),
                referenced as (%s),
                linked as (%s)
                select r.namespace, r.n, coalesce(ref.bytes, 0), coalesce(l.bytes, 0)
                from repos r left join referenced ref on ref.namespace = r.namespace
                left join linked l on l.namespace = r.namespace
                order by coalesce(l.bytes, 0) desc, r.namespace limit ?""".formatted(
                        bytesPerNamespace("ns.namespace, ml.digest", REFERENCED_FROM_NS),
                        bytesPerNamespace("ns.namespace, rb.digest", LINKED_FROM_NS)))
                .param(limit).query((rs, row) -> new NamespaceFigures(rs.getString(1), rs.getLong(2), rs.getLong(3),
                        rs.getLong(4))).list();
    }

    /**
     * A namespace's repositories counted as the registry's totals count them.
     *
     * @param namespace the first component of the names, or empty for the repositories named without one
     * @param manifestBytes the payload bytes of their manifests
     * @param referencedBytes the blobs their manifests reference, each digest once per repository: what they would
     *                        hold without sharing
     * @param storedBytes the blobs linked to them, each digest once in the namespace: what they hold in storage
     */
    public record NamespaceTotals(String namespace, long repositories, long manifestBytes, long referencedBytes,
                                  long storedBytes) {
    }

    /**
     * The {@code limit} namespaces with the most stored bytes, largest first, repositories without a namespace
     * grouped under the empty one. Unlike {@link #namespaces}, which counts a digest once per namespace, the
     * referenced bytes here count it once per repository, as {@link StorageTotals#referencedBytes} does.
     */
    public List<NamespaceTotals> namespaceTotals(int limit) {
        return jdbc.sql("""
                with ns as (select id, case when position('/' in name) > 0 then split_part(name, '/', 1) else '' end
                                       as namespace
                            from repositories),
                repos as (select namespace, count(*) as n from ns group by namespace),
                manifest_sums as (select ns.namespace, sum(octet_length(m.payload)) as bytes
                                  from ns join manifests m on m.repository_id = ns.id group by ns.namespace),
                referenced as (%s),
                stored as (%s)
                select r.namespace, r.n, coalesce(ms.bytes, 0), coalesce(ref.bytes, 0), coalesce(st.bytes, 0)
                from repos r left join manifest_sums ms on ms.namespace = r.namespace
                left join referenced ref on ref.namespace = r.namespace
                left join stored st on st.namespace = r.namespace
                order by coalesce(st.bytes, 0) desc, r.namespace limit ?""".formatted(
                        bytesPerNamespace("ns.namespace, m.repository_id, ml.digest", REFERENCED_FROM_NS),
                        bytesPerNamespace("ns.namespace, rb.digest", LINKED_FROM_NS)))
                .param(limit).query((rs, row) -> new NamespaceTotals(rs.getString(1), rs.getLong(2), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5))).list();
    }

    // The digests the manifests of the repositories in a CTE ns (id, namespace) reference, and those linked to them.
    private static final String REFERENCED_FROM_NS = """
            ns join manifests m on m.repository_id = ns.id join manifest_layers ml on ml.manifest_id = m.id""";
    private static final String LINKED_FROM_NS = "ns join repository_blobs rb on rb.repository_id = ns.id";

    /**
     * A CTE body: per namespace, the bytes of the blobs in the distinct rows of {@code columns} (a namespace first, a
     * digest last) from {@code from}, which joins the CTE {@code ns}. The columns between say how often a digest
     * counts: once per namespace, or once per repository too.
     */
    private static String bytesPerNamespace(String columns, String from) {
        return """
                select x.namespace, sum(b.size) as bytes
                from (select distinct %s from %s) x
                join blobs b on b.digest = x.digest group by x.namespace""".formatted(columns, from);
    }
}
