package io.stowage.distribution;

import java.util.Map;

import io.stowage.auth.Caller;
import io.stowage.registry.CatalogService;
import io.stowage.registry.Page;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v2/_catalog}: the names of the repositories the caller may pull, in byte order, with {@code n}/{@code last}
 * pagination.
 */
@RestController
class CatalogController {

    private final CatalogService catalog;

    CatalogController(CatalogService catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/v2/_catalog")
    ResponseEntity<Map<String, Object>> list(@RequestParam(required = false) Pagination n,
                                             @RequestParam(required = false) String last,
                                             @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        Page<String> page = catalog.list(last, Pagination.limit(n), caller.readable());
        ResponseEntity.BodyBuilder response = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
        if (page.hasMore()) {
            response.header(HttpHeaders.LINK, Locations.nextPage("/v2/_catalog",
                    page.items().size(), page.items().getLast()));
        }
        return response.body(Map.of("repositories", page.items()));
    }
}
