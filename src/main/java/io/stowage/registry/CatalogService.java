package io.stowage.registry;

import io.stowage.metadata.RepositoryFilter;
import io.stowage.metadata.RepositoryRecords;
import org.springframework.stereotype.Service;

/** Listing repositories (those holding at least one manifest), paginated by keyset in byte order. */
@Service
public class CatalogService {

    private final RepositoryRecords repositories;

    public CatalogService(RepositoryRecords repositories) {
        this.repositories = repositories;
    }

    /** A page of the repositories that pass {@code visible}. */
    public Page<String> list(String last, Integer n, RepositoryFilter visible) {
        // As the tag list does for its last: anything else is no name, and PostgreSQL refuses some of it (NUL).
        if (last != null && !last.isEmpty()) {
            RepositoryName.validate(last);
        }
        return Page.of(n, limit -> repositories.namesWithContent(last, limit, visible));
    }
}
