package io.stowage.registry;

import java.util.List;

import io.stowage.metadata.RepositoryRecords;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Looks up repositories by name, and creates them on first push. Whatever changes a repository's content looks it up
 * with a {@code ...ForWrite} method, in the transaction that makes the change: that holds off a deletion of the
 * repository until the change commits, and makes a change that waited for a deletion see it (and create the
 * repository anew, or find it unknown) instead of writing rows that point to a repository that is gone.
 */
@Service
public class RepositoryService {

    private final RepositoryRecords repositories;
    private final List<PushGuard> guards;

    public RepositoryService(RepositoryRecords repositories, List<PushGuard> guards) {
        this.repositories = repositories;
        this.guards = List.copyOf(guards);
    }

    /**
     * The repository's id for a push, created if needed, held against deletion until the transaction ends; refused
     * ({@link PushGuard}) where nothing may be pushed.
     */
    public long getOrCreateForWrite(String name) {
        requirePushable(name);
        holdForWrite(name);
        return repositories.getOrCreate(name);
    }

    /**
     * The id of a repository of the pull-through cache, created if needed and marked as a cache of {@code upstream},
     * held against deletion until the transaction ends. Only content fetched from that upstream goes there.
     */
    public long getOrCreateForCache(String name, String upstream) {
        holdForWrite(name);
        long id = repositories.getOrCreate(name);
        repositories.markCached(id, upstream);
        return id;
    }

    /** Refuses ({@code DENIED}) a push where a {@link PushGuard} forbids one. */
    public void requirePushable(String name) {
        RepositoryName.validate(name);
        for (PushGuard guard : guards) {
            guard.checkPush(name);
        }
    }

    /** The id of an existing repository, held against deletion until the transaction ends; or {@code NAME_UNKNOWN}. */
    public long requireIdForWrite(String name) {
        holdForWrite(name);
        return repositories.findId(name).orElseThrow(() -> unknown(name));
    }

    /**
     * Holds the repository (existing or not) against deletion until the transaction ends; for a change that finds
     * the repository another way, such as through its upload session.
     */
    public void holdForWrite(String name) {
        RepositoryName.validate(name);
        // Outside a transaction the lock would be released as soon as it is taken.
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a repository is held for a write only inside a transaction");
        }
        repositories.lockNameShared(name);
    }

    public boolean exists(String name) {
        return repositories.findId(name).isPresent();
    }

    static RegistryException unknown(String name) {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, "repository not found: " + name);
    }
}
