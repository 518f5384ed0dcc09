package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

@TokenAuth
class AdminApiDocumentIT extends AdminApiTestBase {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    @Test
    void theDocumentListsEveryAdminEndpointAndNothingElse() throws Exception {
        // Open to all: it describes the API, it grants nothing.
        HttpResponse<String> response = get("/api/v1/openapi.json", null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode document = json(response);
        assertThat(document.get("openapi").asString()).startsWith("3.");

        Set<String> documented = new TreeSet<>();
        document.get("paths").properties().forEach(path -> path.getValue().propertyNames()
                .forEach(method -> documented.add(method.toUpperCase() + " " + path.getKey())));
        assertThat(documented).isEqualTo(mappedAdminEndpoints());
        assertThat(documented).contains("GET /api/v1/repositories/{name}", "PUT /api/v1/repositories/{name}",
                "DELETE /api/v1/repositories/{name}", "GET /api/v1/repositories/{name}/-/tags",
                "DELETE /api/v1/repositories/{name}/-/tags/{tag}",
                "GET /api/v1/users", "POST /api/v1/users", "PATCH /api/v1/users/{username}",
                "DELETE /api/v1/users/{username}", "POST /api/v1/robots", "GET /api/v1/robots",
                "GET /api/v1/robots/{name}", "PATCH /api/v1/robots/{name}", "DELETE /api/v1/robots/{name}",
                "GET /api/v1/policies", "POST /api/v1/policies", "DELETE /api/v1/policies/{id}", "GET /api/v1/audit",
                "GET /api/v1/signing-keys", "POST /api/v1/signing-keys", "DELETE /api/v1/signing-keys/{kid}",
                "GET /api/v1/storage", "GET /api/v1/storage/namespaces/{namespace}", "POST /api/v1/gc");
        assertThat(documented).contains("GET /api/v1/gc/runs");

        JsonNode schemes = document.get("components").get("securitySchemes");
        assertThat(schemes.get("basic").get("scheme").asString()).isEqualTo("basic");
        assertThat(schemes.get("bearer").get("scheme").asString()).isEqualTo("bearer");
        JsonNode createRobot = document.get("paths").get("/api/v1/robots").get("post");
        assertThat(createRobot.get("responses").propertyNames()).contains("201", "400", "401", "403", "409");
        assertThat(document.get("paths").get("/api/v1/users/{username}").get("delete").get("responses")
                .propertyNames()).contains("204", "404", "409");
        for (String path : List.of("/api/v1/repositories/{name}", "/api/v1/repositories/{name}/-/tags/{tag}")) {
            assertThat(document.get("paths").get(path).get("delete").get("responses").propertyNames())
                    .contains("204", "400", "401", "403", "404");
        }
        assertThat(document.get("components").get("schemas").propertyNames()).contains("Problem", "FieldError",
                "NewRobot", "CreatedRobotView", "RobotView", "PolicyView", "UserView", "AuditEvents", "SigningKeyView",
                "StorageSummary", "NamespaceStorage", "StorageFigures", "RepositoryTags", "TagRecord");
        JsonNode schemas = document.get("components").get("schemas");
        // Errors are problem details (RFC 9457), the stable code in error, invalid fields in errors.
        assertThat(schemas.get("Problem").get("properties").propertyNames())
                .containsExactlyInAnyOrder("type", "title", "status", "detail", "instance", "error", "errors");
        JsonNode auditResponses = document.get("paths").get("/api/v1/audit").get("get").get("responses");
        assertThat(auditResponses.propertyNames()).contains("200", "400", "401", "403", "503");
        assertThat(auditResponses.get("400").get("content").propertyNames())
                .containsExactly("application/problem+json");
        assertThat(auditResponses.get("400").get("content").get("application/problem+json").get("schema").get("$ref")
                .asString()).isEqualTo("#/components/schemas/Problem");
        assertThat(createRobot.get("responses").propertyNames()).contains("413", "415", "503");
        // The page size's bounds and default are in the document, from the parameter's annotations.
        JsonNode n = null;
        for (JsonNode parameter : document.get("paths").get("/api/v1/audit").get("get").get("parameters")) {
            if (parameter.get("name").asString().equals("n")) {
                n = parameter.get("schema");
            }
        }
        assertThat(n).isNotNull();
        assertThat(n.get("minimum").asInt()).isEqualTo(1);
        assertThat(n.get("maximum").asInt()).isEqualTo(1000);
        assertThat(n.get("default").asInt()).isEqualTo(100);
        for (String schema : List.of("TagRecord", "RepositorySettings")) {
            assertThat(schemas.get(schema).get("properties").propertyNames()).as(schema)
                    .contains("pulls", "lastPulledAt");
        }
    }

    /** {@code METHOD path} of every admin controller mapping, with {@code {*name}} written as OpenAPI writes it. */
    private Set<String> mappedAdminEndpoints() {
        Set<String> endpoints = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (!method.getBeanType().getPackageName().equals(UnknownAdminEndpointController.class.getPackageName())
                    || method.getBeanType() == UnknownAdminEndpointController.class) {
                return;
            }
            for (String pattern : info.getPatternValues()) {
                for (var httpMethod : info.getMethodsCondition().getMethods()) {
                    endpoints.add(httpMethod.name() + " " + pattern.replace("{*", "{"));
                }
            }
        });
        assertThat(endpoints).isNotEmpty();
        return endpoints;
    }
}
