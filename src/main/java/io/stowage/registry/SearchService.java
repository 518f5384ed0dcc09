package io.stowage.registry;

import java.util.List;

import io.stowage.metadata.RepositoryFilter;
import io.stowage.metadata.RepositoryMatch;
import io.stowage.metadata.RepositoryRecords;
import org.springframework.stereotype.Service;

/** Searching repositories by a piece of their name or description, a page at a time. */
@Service
public class SearchService {

    public static final int DEFAULT_PAGE_SIZE = 25;
    public static final int MAX_PAGE_SIZE = 100;
    /** Longer than any repository name; a description match needs no more. */
    public static final int MAX_QUERY_LENGTH = 255;

    private final RepositoryRecords repositories;

    public SearchService(RepositoryRecords repositories) {
        this.repositories = repositories;
    }

    /** Page {@code page} (from 1) of {@code size} matches, and how many there are in all. */
    public record SearchPage(String query, int page, int size, long total, List<RepositoryMatch> matches) {

        /** Pages needed for every match: none when nothing matched. */
        public long pages() {
            return (total + size - 1) / size;
        }
    }

    /**
     * The repositories passing {@code visible} whose name or description contains {@code query} (ignoring case; empty
     * matches all), most pulled first: page {@code page} (from 1; null for the first) of {@code size} (1 to
     * {@value #MAX_PAGE_SIZE}; null for {@value #DEFAULT_PAGE_SIZE}).
     */
    public SearchPage search(String query, Integer size, Integer page, RepositoryFilter visible) {
        String q = query == null ? "" : query.trim();
        if (q.length() > MAX_QUERY_LENGTH) {
            throw invalid("q must not be longer than " + MAX_QUERY_LENGTH + " characters");
        }
        if (q.chars().anyMatch(Character::isISOControl)) {
            throw invalid("q must not contain control characters");
        }
        int n = size == null ? DEFAULT_PAGE_SIZE : size;
        if (n < 1 || n > MAX_PAGE_SIZE) {
            throw invalid("n must be an integer from 1 to " + MAX_PAGE_SIZE + ", not " + n);
        }
        int p = page == null ? 1 : page;
        if (p < 1) {
            throw invalid("page must be an integer from 1, not " + p);
        }
        long total = repositories.countMatches(q, visible);
        long offset = (long) (p - 1) * n;
        List<RepositoryMatch> matches = offset >= total ? List.of() : repositories.search(q, n, offset, visible);
        return new SearchPage(q, p, n, total, matches);
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.UNSUPPORTED, 400, message, null);
    }
}
