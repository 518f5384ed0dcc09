package io.stowage.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * skopeo as the tests run it: with a trust policy of its own that accepts any image, so neither a missing
 * nor a strict {@code /etc/containers/policy.json} on the machine changes what the tests see.
 */
final class Skopeo {

    private static Path policy;

    private Skopeo() {
    }

    /** Skips or fails (under CI) the test when skopeo is not installed. */
    static void require() {
        ClientCommand.requireExecutable("skopeo", "skopeo");
    }

    /** Runs {@code skopeo <args>} and returns the result, whatever its exit status. */
    static ClientCommand.Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("skopeo", "--policy", policy().toString()));
        command.addAll(List.of(args));
        return ClientCommand.run(command);
    }

    /** Runs {@code skopeo <args>} and fails the test, with skopeo's output, unless it succeeds. */
    static ClientCommand.Result succeed(String... args) {
        return run(args).assertSuccess();
    }

    /**
     * Writes a fresh two-platform index ({@link TestImages#randomMultiArchIndex()}) as an OCI layout in {@code layout}
     * and copies it with {@code --all} to {@code destination} ({@code host:port/name:tag}), signing in as
     * {@code credentials} ({@code user:password}); skips the test when skopeo is not installed.
     */
    static TestImages.ImageIndex pushNewIndex(Path layout, String destination, String credentials) {
        require();
        TestImages.ImageIndex index = TestImages.randomMultiArchIndex();
        TestImages.writeOciLayout(layout, "v1", index);
        succeed("copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", credentials,
                "oci:" + layout + ":v1", "docker://" + destination);
        return index;
    }

    static synchronized Path policy() {
        if (policy == null) {
            try {
                Path file = Files.createTempFile("stowage-it-policy", ".json");
                file.toFile().deleteOnExit();
                Files.writeString(file, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
                policy = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return policy;
    }
}
