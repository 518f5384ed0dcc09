package io.stowage.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real container client (skopeo, podman) as a child process with a time limit, keeping its
 * output for assertion messages. Output goes to files, not pipes, so a chatty client cannot block.
 */
final class ClientCommand {

    /** No single client step in these tests comes near this; it only stops a hung client hanging the build. */
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private ClientCommand() {
    }

    /** The outcome of one run: exit status and everything it printed. */
    record Result(List<String> command, int exitCode, byte[] stdoutBytes, String stderr) {

        String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        /** Fails the test, showing the command and its output, unless it exited 0. */
        Result assertSuccess() {
            assertEquals(0, exitCode, () -> "command failed: " + describe());
            return this;
        }

        /** Fails the test unless the command exited non-zero. */
        Result assertFailure() {
            assertNotEquals(0, exitCode, () -> "command should have failed: " + describe());
            return this;
        }

        String describe() {
            return String.join(" ", command) + "\nexit status: " + exitCode
                    + "\n--- stdout ---\n" + abbreviate(stdout()) + "\n--- stderr ---\n" + abbreviate(stderr);
        }

        private static String abbreviate(String text) {
            return text.length() <= 20_000 ? text : text.substring(0, 10_000) + "\n[…]\n"
                    + text.substring(text.length() - 10_000);
        }
    }

    /**
     * Makes sure {@code executable} is on the PATH: when it is not, the test fails under CI ({@code CI=true},
     * where the client tests must run) and is skipped elsewhere, naming the Debian package to install.
     */
    static void requireExecutable(String executable, String debianPackage) {
        if (findOnPath(executable) != null) {
            return;
        }
        String message = executable + " is not installed (Debian package " + debianPackage
                + "; `.ci/run` installs it)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + ", and CI=true requires every client test to run");
        }
        assumeTrue(false, message);
    }

    private static Path findOnPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static Result run(List<String> command) {
        return run(command, Map.of());
    }

    /** Runs {@code command} with extra environment variables and returns its result, whatever its exit status. */
    static Result run(List<String> command, Map<String, String> environment) {
        return run(command, environment, null);
    }

    /**
     * As {@link #run(List, Map)}, with {@code input} written to the command's standard input (as a secret is piped
     * to {@code login --password-stdin}); null means no input.
     */
    static Result run(List<String> command, Map<String, String> environment, String input) {
        Path stdin = null;
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("client-stdout", ".txt");
            stderr = Files.createTempFile("client-stderr", ".txt");
            File in = new File("/dev/null");
            if (input != null) {
                stdin = Files.createTempFile("client-stdin", ".txt");
                Files.writeString(stdin, input);
                in = stdin.toFile();
            }
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                    .redirectInput(ProcessBuilder.Redirect.from(in))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                fail("command did not finish within " + TIMEOUT + ": " + new Result(command, -1,
                        Files.readAllBytes(stdout), Files.readString(stderr)).describe());
            }
            return new Result(List.copyOf(command), process.exitValue(), Files.readAllBytes(stdout),
                    Files.readString(stderr));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            deleteQuietly(stdin);
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
