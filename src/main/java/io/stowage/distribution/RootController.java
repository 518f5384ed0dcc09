package io.stowage.distribution;

import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v2/}: tells clients this is a registry speaking the distribution API. */
@RestController
class RootController {

    @GetMapping({"/v2", "/v2/"})
    ResponseEntity<Map<String, Object>> root() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(Map.of());
    }
}
