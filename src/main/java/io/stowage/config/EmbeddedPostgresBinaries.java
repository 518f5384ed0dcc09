package io.stowage.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the embedded PostgreSQL's programs are unpacked: a directory of the data directory's, private to the
 * service's user. The library's default, {@code /tmp/embedded-pg}, is world-writable without the sticky bit, so any
 * local user could swap the programs the registry runs as its own user for theirs.
 *
 * <p>The library unpacks the archive into {@code PG-<MD5 of the archive>} under the directory it is given; this
 * resolver hashes the archive as the library reads it, so that the programs can be found again (to set the
 * database password in single-user mode before the server first starts) and older unpacked versions removed.
 */
final class EmbeddedPostgresBinaries implements PgBinaryResolver {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresBinaries.class);

    private final Path directory;
    private MessageDigest md5;

    EmbeddedPostgresBinaries(Path directory) {
        this.directory = directory;
    }

    /** The directory the library is told to unpack into. */
    Path directory() {
        return directory;
    }

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
        if (archive == null) {
            return null;
        }
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        return new DigestInputStream(archive, md5);
    }

    /** The unpacked programs' {@code bin} directory; only once the library has read the archive. */
    Path bin() {
        if (md5 == null) {
            throw new IllegalStateException("the PostgreSQL archive has not been read yet");
        }
        Path bin = unpacked().resolve("bin");
        if (!Files.isExecutable(bin.resolve("postgres"))) {
            throw new IllegalStateException("no PostgreSQL programs in " + bin);
        }
        return bin;
    }

    /** Deletes programs of other PostgreSQL versions unpacked here by earlier Stowage versions. */
    void removeOthers() {
        Path current = unpacked();
        List<Path> others;
        try (Stream<Path> children = Files.list(directory)) {
            others = children.filter(p -> p.getFileName().toString().startsWith("PG-") && !p.equals(current)).toList();
        } catch (IOException e) {
            return;
        }
        for (Path other : others) {
            try (Stream<Path> tree = Files.walk(other)) {
                tree.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                log.info("Removed the PostgreSQL programs of an earlier version from {}", other);
            } catch (IOException e) {
                log.debug("Cannot remove {}: {}", other, e.toString());
            }
        }
    }

    private Path unpacked() {
        // A copy: hashing the digest again must not reset the one the library's stream still updates.
        try {
            byte[] hash = ((MessageDigest) md5.clone()).digest();
            return directory.resolve("PG-" + HexFormat.of().formatHex(hash));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
