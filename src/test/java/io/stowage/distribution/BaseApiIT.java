package io.stowage.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import io.stowage.RegistryTestBase;
import org.junit.jupiter.api.Test;

/** {@code GET /v2/} (end-1): the registry says it implements the distribution API. */
class BaseApiIT extends RegistryTestBase {

    private final RegistryClient registry = new RegistryClient(http, this::request);

    @Test
    void versionCheckAnswers200WithApiVersionHeader() {
        HttpResponse<String> response = registry.get("/v2/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(RegistryClient.json(response.body()).isObject()).isTrue();
    }

    @Test
    void versionCheckWithoutTrailingSlashAnswersToo() {
        HttpResponse<String> response = registry.get("/v2");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
    }

    @Test
    void versionCheckHeadAnswers200() {
        HttpResponse<String> response = registry.head("/v2/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
    }

    @Test
    void apiVersionHeaderIsOnErrorResponsesToo() {
        HttpResponse<String> response = registry.get("/v2/" + uniqueRepository("base") + "/manifests/latest");

        RegistryClient.assertError(response, 404, "NAME_UNKNOWN");
        assertThat(response.headers().firstValue("Docker-Distribution-API-Version")).hasValue("registry/2.0");
    }
}
