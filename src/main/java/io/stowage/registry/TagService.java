package io.stowage.registry;

import io.stowage.metadata.RepositoryRecords;
import io.stowage.metadata.TagRecords;
import org.springframework.stereotype.Service;

/** Listing tags, paginated by keyset in byte order. */
@Service
public class TagService {

    private final TagRecords tags;
    private final RepositoryRecords repositories;

    public TagService(TagRecords tags, RepositoryRecords repositories) {
        this.tags = tags;
        this.repositories = repositories;
    }

    /**
     * A page of the repository's tags. A repository that holds no manifest (only blobs, or an abandoned push)
     * is {@code NAME_UNKNOWN}, as it is absent from the catalog.
     */
    public Page<String> list(String repository, String last, Integer n) {
        long repositoryId = repositories.findIdWithContent(RepositoryName.validate(repository))
                .orElseThrow(() -> RepositoryService.unknown(repository));
        if (last != null && !last.isEmpty()) {
            Tags.validate(last);
        }
        return Page.of(n, limit -> tags.list(repositoryId, last, limit));
    }
}
