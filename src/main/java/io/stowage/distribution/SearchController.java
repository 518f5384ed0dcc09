package io.stowage.distribution;

import java.util.LinkedHashMap;
import java.util.Map;

import io.stowage.auth.Caller;
import io.stowage.metadata.RepositoryMatch;
import io.stowage.registry.SearchService;
import io.stowage.registry.SearchService.SearchPage;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/search?q=&n=&page=}: what {@code docker search <registry>/<query>} calls, answered in Docker Hub's v1
 * search format, listing only the repositories the caller may pull.
 */
@RestController
class SearchController {

    private final SearchService search;

    SearchController(SearchService search) {
        this.search = search;
    }

    /** One result as the docker CLI reads it; Stowage has no stars, official images or automated builds. */
    record SearchResult(String name, String description, long star_count, long pull_count, boolean is_official,
                        boolean is_automated) {

        static SearchResult of(RepositoryMatch match) {
            return new SearchResult(match.name(), match.description() == null ? "" : match.description(), 0,
                    match.pulls(), false, false);
        }
    }

    @GetMapping(value = "/v1/search", produces = "application/json")
    Map<String, Object> search(@RequestParam(required = false) String q, @RequestParam(required = false) Integer n,
                               @RequestParam(required = false) Integer page,
                               @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        SearchPage found = search.search(q, n, page, caller.readable());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("num_pages", found.pages());
        body.put("num_results", found.total());
        body.put("page", found.page());
        body.put("page_size", found.size());
        body.put("query", found.query());
        body.put("results", found.matches().stream().map(SearchResult::of).toList());
        return body;
    }
}
