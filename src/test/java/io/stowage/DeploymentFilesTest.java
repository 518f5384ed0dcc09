package io.stowage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The deployment files are checked where no Docker engine runs: {@code docker-compose config} (Debian's
 * docker-compose) must accept docker-compose.yml, and the Dockerfile's run stage must be non-root with a
 * healthcheck. Without docker-compose the first check is skipped, except under {@code CI=true}.
 */
class DeploymentFilesTest {

    @Test
    void composeFileIsValidAndWiresStowageToPostgresAndMinio() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/bin/docker-compose"));
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("docker-compose is missing (apt-get install docker-compose)");
        }
        assumeTrue(installed, "docker-compose is not installed (Debian package docker-compose)");

        assertThat(run(Map.of(), "docker-compose", "-f", "docker-compose.yml", "config", "--services"))
                .containsExactlyInAnyOrder("postgres", "minio", "minio-setup", "stowage");
        String config = String.join("\n", run(Map.of(), "docker-compose", "-f", "docker-compose.yml", "config"));
        assertThat(config)
                .contains("STOWAGE_STORAGE_TYPE: s3")
                .contains("STOWAGE_STORAGE_S3_ENDPOINT: http://minio:9000")
                .contains("SPRING_DATASOURCE_URL: jdbc:postgresql://postgres:5432/stowage")
                .contains("condition: service_completed_successfully")
                .contains("mc mb --ignore-existing local/stowage")
                .contains("STOWAGE_AUTH_MODE: token");
        // Unset, the administrator's password is left to Stowage to generate: no password sits in the file.
        assertThat(config).containsPattern("STOWAGE_AUTH_ADMIN_PASSWORD: (''|\"\")\n");
    }

    @Test
    void composeTakesTheAdministratorPasswordFromTheEnvironment() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/docker-compose")), "docker-compose is not installed");
        String config = String.join("\n", run(Map.of("STOWAGE_ADMIN_PASSWORD", "from-the-environment-7f3a"),
                "docker-compose", "-f", "docker-compose.yml", "config"));
        assertThat(config).contains("STOWAGE_AUTH_ADMIN_PASSWORD: from-the-environment-7f3a");
    }

    @Test
    void dockerfileRunsAsNonRootWithAHealthcheckAndADataVolume() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
        int runStage = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("FROM ")) {
                runStage = i;
            }
        }
        assertThat(runStage).as("a FROM line").isGreaterThanOrEqualTo(0);
        assertThat(lines.get(runStage)).contains("-jre");
        List<String> run = lines.subList(runStage, lines.size());
        String user = run.stream().filter(line -> line.startsWith("USER ")).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("the run stage sets no USER"));
        assertThat(user.substring(5).trim().split(":")[0]).isNotIn("root", "0");
        assertThat(run).anyMatch(line -> line.startsWith("HEALTHCHECK "));
        assertThat(run).anyMatch(line -> line.startsWith("VOLUME /var/lib/stowage"));
        assertThat(run).anyMatch(line -> line.equals("EXPOSE 5000 5001")); // the registry, and metrics and health
    }

    private static List<String> run(Map<String, String> environment, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // The machine's own value must not decide what the file looks like unset.
        builder.environment().remove("STOWAGE_ADMIN_PASSWORD");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().toList();
    }
}
