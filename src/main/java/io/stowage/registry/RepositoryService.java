package io.stowage.registry;

import io.stowage.metadata.RepositoryRecords;
import org.springframework.stereotype.Service;

/** Looks up repositories by name, and creates them on first push. */
@Service
public class RepositoryService {

    private final RepositoryRecords repositories;

    public RepositoryService(RepositoryRecords repositories) {
        this.repositories = repositories;
    }

    /** The id of an existing repository, or {@code NAME_UNKNOWN}. */
    public long requireId(String name) {
        return repositories.findId(RepositoryName.validate(name))
                .orElseThrow(() -> unknown(name));
    }

    public long getOrCreate(String name) {
        return repositories.getOrCreate(RepositoryName.validate(name));
    }

    public boolean exists(String name) {
        return repositories.findId(name).isPresent();
    }

    static RegistryException unknown(String name) {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, "repository not found: " + name);
    }
}
