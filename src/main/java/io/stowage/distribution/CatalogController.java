package io.stowage.distribution;

import java.util.Map;

import io.stowage.registry.CatalogService;
import io.stowage.registry.Page;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v2/_catalog}: repository names in byte order, with {@code n}/{@code last} pagination. */
@RestController
class CatalogController {

    private final CatalogService catalog;

    CatalogController(CatalogService catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/v2/_catalog")
    ResponseEntity<Map<String, Object>> list(@RequestParam(required = false) String n,
                                             @RequestParam(required = false) String last) {
        Page<String> page = catalog.list(last, Pagination.parseN(n));
        ResponseEntity.BodyBuilder response = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
        if (page.hasMore()) {
            response.header(HttpHeaders.LINK, Locations.nextPage("/v2/_catalog",
                    page.items().size(), page.items().getLast()));
        }
        return response.body(Map.of("repositories", page.items()));
    }
}
