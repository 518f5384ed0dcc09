package io.stowage.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files and directories only the service's own user may read: the data directory, the generated secrets in it
 * (administrator password, database password, key-encryption key). Other local users must not read them, since any
 * of them is enough to act as the registry.
 */
public final class PrivateFiles {

    /** {@code rwx------} */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** {@code rw-------} */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private PrivateFiles() {
    }

    /**
     * Creates the directory (and missing parents) readable by its owner only, and narrows an existing one to that.
     * A directory this process does not own (a mounted volume) keeps its mode, with a warning.
     */
    public static Path directory(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            Path parent = absolute.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(absolute, attribute(DIRECTORY));
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectory(absolute);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // created meanwhile; narrowed below
            }
        }
        restrict(absolute, DIRECTORY);
        return absolute;
    }

    /** Narrows an existing file or directory to {@code permissions}; false when it cannot be (not ours, not POSIX). */
    public static boolean restrict(Path path, Set<PosixFilePermission> permissions) {
        try {
            if (!Files.getPosixFilePermissions(path).equals(permissions)) {
                Files.setPosixFilePermissions(path, permissions);
            }
            return true;
        } catch (UnsupportedOperationException notPosix) {
            return false;
        } catch (java.nio.file.FileSystemException notOurs) {
            // A volume's mount point owned by root (Kubernetes with fsGroup): its owner decides its mode.
            log.info("Cannot restrict {} to its owner ({}): left as it is", path, notOurs.getReason());
            return false;
        } catch (IOException e) {
            log.warn("Cannot restrict {} to its owner ({}): other local users may read it", path, e.toString());
            return false;
        }
    }

    /** Writes {@code text} to a file readable by its owner only, replacing it atomically, in a private directory. */
    public static void writeSecret(Path file, String text) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        directory(absolute.getParent());
        Path temporary = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, attribute(FILE));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(temporary);
        }
        Files.writeString(temporary, text + "\n", StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The first line of a secret file, if it exists and is not blank; the file is narrowed to its owner first. */
    public static Optional<String> readSecret(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        restrict(file, FILE);
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text.lines().findFirst().orElse("").strip());
    }

    /** The secret in {@code file}, generated ({@code bytes} random bytes, base64) and written there when absent. */
    public static String readOrGenerate(Path file, int bytes) throws IOException {
        Optional<String> existing = readSecret(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        String generated = randomSecret(bytes);
        writeSecret(file, generated);
        return generated;
    }

    /** {@code bytes} random bytes, base64url without padding: safe in URLs, SQL literals and shell words. */
    public static String randomSecret(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }
}
