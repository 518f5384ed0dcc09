package io.stowage.distribution;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stowage.metadata.ReferrerRecord;
import io.stowage.registry.Digest;
import io.stowage.registry.MediaTypes;
import io.stowage.registry.Page;
import io.stowage.registry.ReferrerService;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /v2/<name>/referrers/<digest>}: an image index of the manifests whose subject is the digest. */
@RestController
class ReferrerController {

    private final ReferrerService referrers;
    private final JsonMapper json = JsonMapper.builder().build();

    ReferrerController(ReferrerService referrers) {
        this.referrers = referrers;
    }

    @GetMapping(value = RepositoryRouteFilter.PREFIX + "/referrers/{digest}")
    ResponseEntity<Map<String, Object>> list(@RequestAttribute(RepositoryRouteFilter.NAME) String repository,
                                             @PathVariable String digest,
                                             @RequestParam(required = false) String artifactType,
                                             @RequestParam(required = false) String last) {
        String filter = artifactType == null || artifactType.isEmpty() ? null : artifactType;
        List<Map<String, Object>> descriptors = new ArrayList<>();
        Page<ReferrerRecord> page = referrers.list(repository, Digest.parse(digest), filter, last);
        for (ReferrerRecord referrer : page.items()) {
            Map<String, Object> descriptor = new LinkedHashMap<>();
            descriptor.put("mediaType", referrer.mediaType());
            descriptor.put("digest", referrer.digest());
            descriptor.put("size", referrer.size());
            if (referrer.artifactType() != null) {
                descriptor.put("artifactType", referrer.artifactType());
            }
            if (referrer.annotationsJson() != null) {
                descriptor.put("annotations", json.readValue(referrer.annotationsJson(), Map.class));
            }
            descriptors.add(descriptor);
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        index.put("manifests", descriptors);
        ResponseEntity.BodyBuilder response = ResponseEntity.ok()
                .header("Content-Type", MediaTypes.OCI_INDEX);
        if (filter != null) {
            response.header(RegistryHeaders.OCI_FILTERS_APPLIED, "artifactType");
        }
        if (page.hasMore()) {
            String next = "/v2/" + repository + "/referrers/" + digest + "?last=" + page.items().getLast().digest()
                    + (filter == null ? "" : "&artifactType=" + URLEncoder.encode(filter, StandardCharsets.UTF_8));
            response.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
        }
        return response.body(index);
    }
}
