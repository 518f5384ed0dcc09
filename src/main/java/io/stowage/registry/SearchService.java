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
     * matches all), most pulled first. {@code size} and {@code page} as sent (null for the defaults).
     */
    public SearchPage search(String query, String size, String page, RepositoryFilter visible) {
        String q = query == null ? "" : query.trim();
        if (q.length() > MAX_QUERY_LENGTH) {
            throw invalid("q must not be longer than " + MAX_QUERY_LENGTH + " characters");
        }
        if (q.chars().anyMatch(Character::isISOControl)) {
            throw invalid("q must not contain control characters");
        }
        int n = parse("n", size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
        int p = parse("page", page, 1, Integer.MAX_VALUE);
        long total = repositories.countMatches(q, visible);
        long offset = (long) (p - 1) * n;
        List<RepositoryMatch> matches = offset >= total ? List.of() : repositories.search(q, n, offset, visible);
        return new SearchPage(q, p, n, total, matches);
    }

    private static int parse(String parameter, String value, int fallback, int max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(parameter + " must be an integer from 1" + (max == Integer.MAX_VALUE ? "" : " to " + max)
                + ", not " + value);
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.UNSUPPORTED, 400, message, null);
    }
}
