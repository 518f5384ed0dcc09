package io.stowage.registry;

import io.stowage.metadata.TagRecords;
import org.springframework.stereotype.Service;

/** Listing tags, paginated by keyset in byte order. */
@Service
public class TagService {

    private final TagRecords tags;
    private final RepositoryService repositories;

    public TagService(TagRecords tags, RepositoryService repositories) {
        this.tags = tags;
        this.repositories = repositories;
    }

    public Page<String> list(String repository, String last, Integer n) {
        long repositoryId = repositories.requireId(repository);
        if (last != null && !last.isEmpty()) {
            Tags.validate(last);
        }
        return Page.of(n, limit -> tags.list(repositoryId, last, limit));
    }
}
