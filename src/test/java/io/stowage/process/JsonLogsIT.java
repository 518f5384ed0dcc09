package io.stowage.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One setting turns the logs into JSON lines, the request id and the access line included. */
class JsonLogsIT {

    @TempDir
    Path dataDir;

    @Test
    void logsAreJsonLinesWithTheRequestId() throws Exception {
        List<String> lines;
        try (StowageProcess node = StowageProcess.start(dataDir, List.of("-Xmx256m"),
                List.of("--logging.structured.format.console=ecs"))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(node.baseUrl() + "/v2/")).header("X-Request-Id", "json-logs-1").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(node.terminate()).isIn(0, 143);
            lines = node.log().lines().filter(line -> line.startsWith("{")).toList();
        }
        JsonMapper json = JsonMapper.builder().build();
        assertThat(lines).as("JSON lines").hasSizeGreaterThan(10);
        JsonNode access = null;
        for (String line : lines) {
            JsonNode entry = json.readTree(line);
            assertThat(entry.has("@timestamp") && entry.has("message")).as(line).isTrue();
            if (entry.path("log").path("logger").asString("").equals("io.stowage.access")
                    || line.contains("\"io.stowage.access\"")) {
                access = entry;
            }
        }
        assertThat(access).as("the access line").isNotNull();
        assertThat(access.toString()).contains("json-logs-1").contains("GET /v2/ 200");
    }
}
