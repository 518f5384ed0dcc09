package io.stowage.distribution;

import java.util.LinkedHashMap;
import java.util.Map;

import io.stowage.registry.Page;
import io.stowage.registry.TagService;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v2/<name>/tags/list}: tags in byte order, with {@code n}/{@code last} pagination. */
@RestController
class TagController {

    private final TagService tags;

    TagController(TagService tags) {
        this.tags = tags;
    }

    @GetMapping(RepositoryRouteFilter.PREFIX + "/tags/list")
    ResponseEntity<Map<String, Object>> list(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                                             @RequestParam(required = false) Pagination n,
                                             @RequestParam(required = false) String last) {
        Page<String> page = tags.list(repository, last, Pagination.limit(n));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", repository);
        body.put("tags", page.items());
        ResponseEntity.BodyBuilder response = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
        if (page.hasMore()) {
            response.header(HttpHeaders.LINK, Locations.nextPage("/v2/" + repository + "/tags/list",
                    page.items().size(), page.items().getLast()));
        }
        return response.body(body);
    }
}
