package io.stowage.registry;

import io.stowage.metadata.RepositoryRecords;
import org.springframework.stereotype.Service;

/** Listing repositories (those holding at least one manifest), paginated by keyset in byte order. */
@Service
public class CatalogService {

    private final RepositoryRecords repositories;

    public CatalogService(RepositoryRecords repositories) {
        this.repositories = repositories;
    }

    public Page list(String last, Integer n) {
        return Page.of(n, limit -> repositories.namesWithContent(last, limit));
    }
}
