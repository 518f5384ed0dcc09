package io.stowage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** {@link StoredObjects} of the filesystem backend: files under {@code blobs/} and {@code uploads/}. */
public record FilesystemStoredObjects(Path root) implements StoredObjects {

    @Override
    public List<String> holding(byte[] content) {
        try (Stream<Path> files = Files.walk(root.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).filter(file -> {
                try {
                    return Files.size(file) == content.length && Arrays.equals(Files.readAllBytes(file), content);
                } catch (IOException e) {
                    return false; // moved or deleted meanwhile
                }
            }).map(file -> root.relativize(file).toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, Long> objects() {
        Map<String, Long> objects = new HashMap<>();
        try (Stream<Path> files = Files.walk(root.resolve("blobs"))) {
            files.filter(Files::isRegularFile).forEach(file -> {
                try {
                    objects.put(root.relativize(file).toString(), Files.size(file));
                } catch (IOException e) {
                    // deleted meanwhile
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    @Override
    public Set<String> uploads() {
        try (Stream<Path> files = Files.list(root.resolve("uploads"))) {
            return files.map(file -> file.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
