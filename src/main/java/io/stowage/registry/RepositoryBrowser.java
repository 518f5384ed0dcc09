package io.stowage.registry;

import java.util.List;
import java.util.Optional;

import io.stowage.metadata.RepositoryFilter;
import io.stowage.metadata.RepositoryRecords;
import io.stowage.metadata.RepositoryRecords.RepositoryOverview;
import io.stowage.metadata.RepositoryRecords.RepositorySummary;
import io.stowage.metadata.RepositoryRecords.SummaryOrder;
import io.stowage.metadata.TagRecords;
import io.stowage.metadata.TagRecords.TagDetail;
import org.springframework.stereotype.Service;

/**
 * Repositories as people browse them (the web UI): a searchable, sortable listing narrowed to what the caller may
 * pull, and a repository with its tags, both a page at a time. Who may see what is the caller's {@link RepositoryFilter} or pull check.
 */
@Service
public class RepositoryBrowser {

    private static final int MAX_SEARCH = 256;

    private final RepositoryRecords repositories;
    private final TagRecords tags;

    public RepositoryBrowser(RepositoryRecords repositories, TagRecords tags) {
        this.repositories = repositories;
        this.tags = tags;
    }

    /**
     * Up to {@code limit} repositories passing {@code readable} whose name contains {@code search} (ignored when
     * blank), in {@code order}, after skipping {@code offset}.
     */
    public List<RepositorySummary> list(RepositoryFilter readable, String search, SummaryOrder order, long offset,
                                        int limit) {
        String contains = contains(search);
        return contains == null ? List.of() : repositories.summaries(readable, contains, order, offset, limit);
    }

    /** How many repositories {@link #list} finds in all. */
    public long count(RepositoryFilter readable, String search) {
        String contains = contains(search);
        return contains == null ? 0 : repositories.countSummaries(readable, contains);
    }

    /** The search as the listing matches it; null when no repository can match. */
    private static String contains(String search) {
        String contains = search == null ? "" : search.strip().toLowerCase(java.util.Locale.ROOT);
        return contains.length() > MAX_SEARCH || contains.indexOf('\0') >= 0 ? null : contains;
    }

    /**
     * The repository with the number of its tags, if it exists; the caller must have checked that the visitor may
     * pull it.
     */
    public Optional<RepositoryOverview> repository(String name) {
        return repositories.overview(name);
    }

    /** Up to {@code limit} of the repository's tags in byte order of names, after skipping {@code offset}. */
    public List<TagDetail> tags(RepositoryOverview repository, long offset, int limit) {
        return tags.listDetails(repository.id(), offset, limit);
    }
}
