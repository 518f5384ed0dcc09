package io.stowage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Dockerfile's HEALTHCHECK command, run as Docker would run it (exec form, bash) but against this test's port:
 * a Stowage in the default token mode, whose {@code GET /v2/} answers 401, is healthy; a port nobody listens on is not.
 */
@TokenAuth
class DockerfileHealthcheckIT extends RegistryTestBase {

    private static final String PORT_IN_DOCKERFILE = "/dev/tcp/127.0.0.1/5000";

    @Test
    void healthcheckPassesInTokenModeAndFailsWithoutAServer() throws Exception {
        List<String> command = healthcheckCommand();
        assertThat(String.join(" ", command)).contains(PORT_IN_DOCKERFILE);

        assertThat(run(command, port)).as("healthcheck against token-mode Stowage on port " + port).isZero();
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertThat(run(command, closed)).as("healthcheck against a closed port").isNotZero();
    }

    /** The exec-form {@code CMD [...]} of the run stage's HEALTHCHECK, continuation lines joined. */
    private static List<String> healthcheckCommand() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile")).replace("\\\n", " ");
        Matcher healthcheck = Pattern.compile("(?m)^HEALTHCHECK .*?CMD (\\[.*])$").matcher(dockerfile);
        assertThat(healthcheck.find()).as("a HEALTHCHECK ... CMD [...] line in the Dockerfile").isTrue();
        List<String> command = new ArrayList<>();
        for (Object part : JsonMapper.builder().build().readValue(healthcheck.group(1), List.class)) {
            command.add((String) part);
        }
        return command;
    }

    private static int run(List<String> command, int port) throws Exception {
        List<String> local = command.stream().map(a -> a.replace(PORT_IN_DOCKERFILE, "/dev/tcp/127.0.0.1/" + port))
                .toList();
        Process process = new ProcessBuilder(local).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("healthcheck finished: " + output).isTrue();
        return process.exitValue();
    }
}
