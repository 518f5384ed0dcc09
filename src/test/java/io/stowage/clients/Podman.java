package io.stowage.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * podman with a private, throw-away image store: {@code vfs} storage (no overlay mounts or fuse needed, as
 * root in a sandbox), its own root, run root, temp directories, configuration files and credentials file
 * ({@code REGISTRY_AUTH_FILE}), so a test neither sees nor disturbs the machine's images or logins and does not
 * depend on what {@code /etc/containers} holds.
 */
final class Podman {

    private final List<String> global;
    private final Map<String, String> environment;
    private final Path policy;
    private final Path authFile;

    /** A podman whose whole state lives under {@code home}. */
    Podman(Path home) {
        try {
            Path root = Files.createDirectories(home.resolve("root"));
            Path runRoot = Files.createDirectories(home.resolve("runroot"));
            Path libpodTmp = Files.createDirectories(home.resolve("libpod-tmp"));
            Path imageTmp = Files.createDirectories(home.resolve("image-tmp"));
            Path storageConf = home.resolve("storage.conf");
            Files.writeString(storageConf, """
                    [storage]
                    driver = "vfs"
                    graphroot = "%s"
                    runroot = "%s"
                    """.formatted(root, runRoot));
            Path registriesConf = home.resolve("registries.conf");
            Files.writeString(registriesConf, "unqualified-search-registries = []\n");
            Path containersConf = home.resolve("containers.conf");
            Files.writeString(containersConf, """
                    [engine]
                    cgroup_manager = "cgroupfs"
                    events_logger = "file"
                    image_copy_tmp_dir = "%s"
                    """.formatted(imageTmp));
            authFile = home.resolve("auth.json");
            // podman refuses to pull when REGISTRY_AUTH_FILE names a file that does not exist.
            Files.writeString(authFile, "{\"auths\": {}}\n");
            policy = home.resolve("policy.json");
            Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
            global = List.of("podman",
                    "--root", root.toString(),
                    "--runroot", runRoot.toString(),
                    "--tmpdir", libpodTmp.toString(),
                    "--storage-driver", "vfs",
                    "--cgroup-manager", "cgroupfs",
                    "--events-backend", "file");
            environment = Map.of(
                    "CONTAINERS_STORAGE_CONF", storageConf.toString(),
                    "CONTAINERS_REGISTRIES_CONF", registriesConf.toString(),
                    "CONTAINERS_CONF", containersConf.toString(),
                    "TMPDIR", imageTmp.toString(),
                    "REGISTRY_AUTH_FILE", authFile.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Skips or fails (under CI) the test when podman is not installed. */
    static void require() {
        ClientCommand.requireExecutable("podman", "podman");
    }

    /** The option that makes pull, push and load use the test's accept-anything trust policy. */
    String signaturePolicy() {
        return "--signature-policy=" + policy;
    }

    /** Where {@code podman login} keeps credentials; it starts with none. */
    Path authFile() {
        return authFile;
    }

    /** Runs {@code podman <args>} and returns the result, whatever its exit status. */
    ClientCommand.Result run(String... args) {
        return runWithInput(null, args);
    }

    /** Runs {@code podman <args>} with {@code input} on its standard input (e.g. for {@code --password-stdin}). */
    ClientCommand.Result runWithInput(String input, String... args) {
        List<String> command = new ArrayList<>(global);
        command.addAll(List.of(args));
        return ClientCommand.run(command, environment, input);
    }

    /** Runs {@code podman <args>} and fails the test, with podman's output, unless it succeeds. */
    ClientCommand.Result succeed(String... args) {
        return run(args).assertSuccess();
    }
}
