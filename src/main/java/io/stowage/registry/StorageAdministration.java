package io.stowage.registry;

import java.util.List;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.Actor;
import io.stowage.accounts.Identity;
import io.stowage.metadata.StorageRecords.NamespaceUsage;
import io.stowage.metadata.StorageRecords;
import io.stowage.metadata.StorageTotals;
import io.stowage.metadata.StorageUsage;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Storage usage: the registry's totals and largest repositories (administrators), and a namespace's figures
 * (administrators, and a user for their own namespace). A repository's figures are part of
 * {@link RepositoryAdministration}'s answer.
 */
@Service
public class StorageAdministration {

    /** How many of the largest repositories a summary lists unless asked ({@code @RequestParam}'s default: text). */
    public static final String DEFAULT_LARGEST = "10";
    public static final int MAX_LARGEST = 1000;

    private final StorageRecords records;

    public StorageAdministration(StorageRecords records) {
        this.records = records;
    }

    /**
     * What a repository or namespace occupies, each digest counted once within it.
     *
     * @param manifests manifests held
     * @param manifestBytes their payload bytes (kept in PostgreSQL, not in blob storage)
     * @param blobs distinct blobs linked (pushed or mounted)
     * @param logicalBytes what the manifests need: the distinct layers and configs they reference, plus manifestBytes
     * @param storedBytes the bytes of the linked blobs in blob storage, whether or not a manifest references them
     * @param exclusiveBytes the part of storedBytes linked nowhere else: what deleting it (and collecting garbage)
     *                       would free
     */
    public record StorageFigures(long manifests, long manifestBytes, long blobs, long logicalBytes, long storedBytes,
                                 long exclusiveBytes) {

        static StorageFigures of(StorageUsage usage) {
            return new StorageFigures(usage.manifests(), usage.manifestBytes(), usage.blobs(),
                    usage.referencedBytes() + usage.manifestBytes(), usage.storedBytes(), usage.exclusiveBytes());
        }
    }

    /** A namespace's repositories (those named {@code <namespace>/…}) and their figures counted together. */
    public record NamespaceStorage(String namespace, long repositories, StorageFigures storage) {
    }

    /** One of the largest repositories. */
    public record RepositoryStorage(String name, StorageFigures storage) {
    }

    /** Upload sessions in progress: their bytes are in storage too, outside {@code storedBytes}. */
    public record UploadsInProgress(long sessions, long receivedBytes) {
    }

    /**
     * The registry's totals.
     *
     * @param storedBytes every stored blob once: what blob storage holds, uploads in progress aside
     * @param logicalBytes what the repositories would hold without sharing blobs between them: each repository's
     *                     logicalBytes, summed
     * @param largest the repositories with the most storedBytes, largest first
     */
    public record StorageSummary(long repositories, long manifests, long manifestBytes, long blobs, long storedBytes,
                                 long logicalBytes, UploadsInProgress uploads, List<RepositoryStorage> largest) {
    }

    /**
     * A namespace's share of the totals.
     *
     * @param namespace the first component of the names, or empty for the repositories named without one
     * @param logicalBytes what its repositories would hold without sharing: each one's logicalBytes, summed
     * @param storedBytes the blobs linked to them, each digest once in the namespace
     */
    public record NamespaceTotalsView(String namespace, long repositories, long logicalBytes, long storedBytes) {
    }

    /** The totals and the largest repositories, with the largest namespaces. */
    public record StorageOverview(StorageSummary summary, List<NamespaceTotalsView> namespaces) {
    }

    @Transactional(readOnly = true)
    public StorageSummary summary(Actor caller, int largest) {
        caller.requireAdmin();
        return summary(largest);
    }

    /**
     * {@link #summary} with the {@code largest} biggest repositories and the {@code namespaces} biggest namespaces,
     * in a fixed number of statements however many there are.
     */
    @Transactional(readOnly = true)
    public StorageOverview overview(Actor caller, int largest, int namespaces) {
        caller.requireAdmin();
        List<NamespaceTotalsView> rows = records.namespaceTotals(namespaces).stream()
                .map(t -> new NamespaceTotalsView(t.namespace(), t.repositories(),
                        t.referencedBytes() + t.manifestBytes(), t.storedBytes()))
                .toList();
        return new StorageOverview(summary(largest), rows);
    }

    private StorageSummary summary(int limit) {
        StorageTotals totals = records.totals();
        List<RepositoryStorage> largest = records.largest(limit).stream()
                .map(r -> new RepositoryStorage(r.name(), StorageFigures.of(r.usage()))).toList();
        return new StorageSummary(totals.repositories(), totals.manifests(), totals.manifestBytes(), totals.blobs(),
                totals.storedBytes(), totals.referencedBytes() + totals.manifestBytes(),
                new UploadsInProgress(totals.uploads(), totals.uploadBytes()), largest);
    }

    public NamespaceStorage namespace(Actor caller, String namespace) {
        if (!RepositoryName.isValid(namespace)) {
            String shown = namespace.length() > 80 ? namespace.substring(0, 80) + "…" : namespace;
            throw ActionRefused.invalid("invalid namespace: " + shown);
        }
        Identity identity = caller.identity();
        boolean owner = identity.kind() == Identity.Kind.USER
                && (namespace.equals(identity.subject()) || namespace.startsWith(identity.subject() + "/"));
        if (!caller.admin() && !owner) {
            throw ActionRefused.forbidden("only administrators and its owner may see the storage of " + namespace);
        }
        NamespaceUsage usage = records.ofNamespace(namespace);
        return new NamespaceStorage(namespace, usage.repositories(), StorageFigures.of(usage.usage()));
    }

    /** A repository's figures, counted on its own. */
    StorageFigures repository(long id) {
        return StorageFigures.of(records.ofRepositories(new long[] {id}).getOrDefault(id, StorageUsage.NONE));
    }
}
