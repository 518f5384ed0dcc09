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
import org.springframework.transaction.annotation.Transactional;

/**
 * Repositories as people browse them (the web UI): a searchable, sortable listing narrowed to what the caller may
 * pull, and a repository with its tags. Who may see what is the caller's {@link RepositoryFilter} or pull check.
 */
@Service
public class RepositoryBrowser {

    /** The most repositories or tags one page shows. */
    public static final int LIMIT = 500;
    private static final int MAX_SEARCH = 256;

    private final RepositoryRecords repositories;
    private final TagRecords tags;

    public RepositoryBrowser(RepositoryRecords repositories, TagRecords tags) {
        this.repositories = repositories;
        this.tags = tags;
    }

    /** A repository and up to {@link #LIMIT} of its tags. */
    public record RepositoryPage(RepositoryOverview repository, List<TagDetail> tags) {
    }

    /** The repositories passing {@code readable} whose name contains {@code search} (ignored when blank). */
    public List<RepositorySummary> list(RepositoryFilter readable, String search, SummaryOrder order) {
        String contains = search == null ? "" : search.strip().toLowerCase(java.util.Locale.ROOT);
        if (contains.length() > MAX_SEARCH || contains.indexOf('\0') >= 0) {
            return List.of(); // no repository name is that long or holds a NUL
        }
        return repositories.summaries(readable, contains, order, LIMIT);
    }

    /** The repository with its tags, if it exists; the caller must have checked that the visitor may pull it. */
    @Transactional(readOnly = true)
    public Optional<RepositoryPage> repository(String name) {
        return repositories.overview(name).map(r -> new RepositoryPage(r, tags.listDetails(r.id(), LIMIT)));
    }
}
