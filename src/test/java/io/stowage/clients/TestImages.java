package io.stowage.clients;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import tools.jackson.databind.json.JsonMapper;

/**
 * Random but valid container images, written to disk the way clients read them: OCI image layouts
 * ({@code oci:} in skopeo and podman) and skopeo's {@code dir:} format for Docker v2 schema 2 images.
 * Every image has new random layer bytes, so no test is helped by blobs another test already pushed.
 */
final class TestImages {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    private static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestImages() {
    }

    /** The two manifest formats an image can be written in. */
    enum Format {
        OCI(OCI_MANIFEST, OCI_CONFIG, OCI_LAYER),
        DOCKER_V2S2(DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER);

        final String manifestType;
        final String configType;
        final String layerType;

        Format(String manifestType, String configType, String layerType) {
            this.manifestType = manifestType;
            this.configType = configType;
            this.layerType = layerType;
        }
    }

    /** Content-addressed bytes with their media type. */
    record Blob(String mediaType, byte[] bytes) {

        String digest() {
            return sha256(bytes);
        }

        String hex() {
            return digest().substring("sha256:".length());
        }

        long size() {
            return bytes.length;
        }

        Map<String, Object> descriptor() {
            Map<String, Object> descriptor = new LinkedHashMap<>();
            descriptor.put("mediaType", mediaType);
            descriptor.put("digest", digest());
            descriptor.put("size", size());
            return descriptor;
        }
    }

    /** One image: its manifest, config and layers, for one platform. */
    record Image(Blob manifest, Blob config, List<Blob> layers, List<String> diffIds, String os,
                 String architecture) {

        /** Config and layers, the blobs the manifest references. */
        List<Blob> blobs() {
            List<Blob> blobs = new ArrayList<>();
            blobs.add(config);
            blobs.addAll(layers);
            return blobs;
        }

        /** The id podman gives the image: the config's digest without the algorithm. */
        String imageId() {
            return config.hex();
        }
    }

    /** A multi-platform image: an OCI index over one image manifest per platform. */
    record ImageIndex(Blob index, List<Image> images) {
    }

    /** An image for {@code os/architecture} with {@code layerCount} layers of random files. */
    static Image randomImage(Format format, String os, String architecture, int layerCount) {
        return randomImage(format, os, architecture, layerCount, true);
    }

    /**
     * As {@link #randomImage(Format, String, String, int)}; without {@code declareMediaType} the manifest has
     * no {@code mediaType} field, as OCI manifests written by older tools (the field was optional before
     * image-spec 1.1): registries must then go by the Content-Type the client pushes it with.
     */
    static Image randomImage(Format format, String os, String architecture, int layerCount, boolean declareMediaType) {
        String nonce = Long.toHexString(ThreadLocalRandom.current().nextLong());
        String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<Blob> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        List<Map<String, Object>> history = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            byte[] tar = randomLayerTar(i, nonce);
            diffIds.add(sha256(tar));
            layers.add(new Blob(format.layerType, gzip(tar)));
            history.add(ordered("created", created, "created_by", "stowage test layer " + i));
        }
        // A metadata-only step, as Dockerfile EXPOSE or CMD write: history without a layer of its own.
        history.add(ordered("created", created, "created_by", "EXPOSE 8080/tcp", "comment", "no layer",
                "empty_layer", true));

        Map<String, Object> runtime = ordered(
                "Env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                "Cmd", List.of("/layer0/hello.txt"),
                "ExposedPorts", ordered("8080/tcp", Map.of()),
                "WorkingDir", "/",
                "Labels", ordered("io.stowage.test.nonce", nonce));
        Map<String, Object> config = ordered(
                "created", created,
                "architecture", architecture,
                "os", os,
                "config", runtime,
                "rootfs", ordered("type", "layers", "diff_ids", diffIds),
                "history", history);
        Blob configBlob = new Blob(format.configType, prettyJson(config));

        Map<String, Object> manifest = ordered(
                "schemaVersion", 2,
                "mediaType", format.manifestType,
                "config", configBlob.descriptor(),
                "layers", layers.stream().map(Blob::descriptor).toList());
        if (!declareMediaType) {
            manifest.remove("mediaType");
        }
        if (format == Format.OCI) {
            manifest.put("annotations", ordered("io.stowage.test.nonce", nonce));
        }
        return new Image(new Blob(format.manifestType, prettyJson(manifest)), configBlob, List.copyOf(layers),
                List.copyOf(diffIds), os, architecture);
    }

    /** An OCI index over two OCI images, linux/amd64 and linux/arm64. */
    static ImageIndex randomMultiArchIndex() {
        return randomMultiArchIndex(true);
    }

    /** As {@link #randomMultiArchIndex()}; without {@code declareMediaType} no manifest has a {@code mediaType}. */
    static ImageIndex randomMultiArchIndex(boolean declareMediaType) {
        List<Image> images = List.of(
                randomImage(Format.OCI, "linux", "amd64", 2, declareMediaType),
                randomImage(Format.OCI, "linux", "arm64", 2, declareMediaType));
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Image image : images) {
            Map<String, Object> descriptor = image.manifest().descriptor();
            descriptor.put("platform", ordered("architecture", image.architecture(), "os", image.os()));
            manifests.add(descriptor);
        }
        Map<String, Object> index = ordered("schemaVersion", 2, "mediaType", OCI_INDEX, "manifests", manifests);
        if (!declareMediaType) {
            index.remove("mediaType");
        }
        return new ImageIndex(new Blob(OCI_INDEX, prettyJson(index)), images);
    }

    /** Writes {@code image} as an OCI image layout in {@code dir}, tagged {@code tag}. */
    static void writeOciLayout(Path dir, String tag, Image image) {
        List<Blob> blobs = new ArrayList<>(image.blobs());
        blobs.add(image.manifest());
        writeOciLayout(dir, tag, image.manifest(), blobs);
    }

    /** Writes the multi-platform {@code index} as an OCI image layout in {@code dir}, tagged {@code tag}. */
    static void writeOciLayout(Path dir, String tag, ImageIndex index) {
        List<Blob> blobs = new ArrayList<>();
        for (Image image : index.images()) {
            blobs.addAll(image.blobs());
            blobs.add(image.manifest());
        }
        blobs.add(index.index());
        writeOciLayout(dir, tag, index.index(), blobs);
    }

    private static void writeOciLayout(Path dir, String tag, Blob top, List<Blob> blobs) {
        try {
            Files.createDirectories(dir.resolve("blobs/sha256"));
            for (Blob blob : blobs) {
                Files.write(dir.resolve("blobs/sha256").resolve(blob.hex()), blob.bytes());
            }
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            Map<String, Object> descriptor = top.descriptor();
            descriptor.put("annotations", ordered(REF_NAME, tag));
            Map<String, Object> index = ordered("schemaVersion", 2, "mediaType", OCI_INDEX,
                    "manifests", List.of(descriptor));
            Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code image} in skopeo's {@code dir:} format (containers/image directory transport 1.1):
     * {@code manifest.json}, a {@code version} file, and each blob in a file named by its hex digest.
     */
    static void writeDirectory(Path dir, Image image) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("version"), "Directory Transport Version: 1.1\n");
            Files.write(dir.resolve("manifest.json"), image.manifest().bytes());
            for (Blob blob : image.blobs()) {
                Files.write(dir.resolve(blob.hex()), blob.bytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The descriptor {@code index.json} of an OCI layout gives for {@code tag}. */
    static Map<String, Object> layoutDescriptor(Path layout, String tag) {
        Map<?, ?> index = readJson(readBytes(layout.resolve("index.json")));
        for (Object entry : (List<?>) index.get("manifests")) {
            Map<?, ?> descriptor = (Map<?, ?>) entry;
            Map<?, ?> annotations = (Map<?, ?>) descriptor.get("annotations");
            if (annotations != null && tag.equals(annotations.get(REF_NAME))) {
                Map<String, Object> copy = new LinkedHashMap<>();
                descriptor.forEach((key, value) -> copy.put((String) key, value));
                return copy;
            }
        }
        throw new AssertionError("no manifest tagged " + tag + " in " + layout + "/index.json: "
                + new String(readBytes(layout.resolve("index.json")), StandardCharsets.UTF_8));
    }

    /** Asserts that the OCI layout holds {@code index} under {@code tag}, every manifest and blob byte for byte. */
    static void assertLayoutHolds(Path layout, String tag, ImageIndex index) {
        org.assertj.core.api.Assertions.assertThat(layoutDescriptor(layout, tag).get("digest"))
                .isEqualTo(index.index().digest());
        Map<String, byte[]> blobs = layoutBlobs(layout);
        org.assertj.core.api.Assertions.assertThat(blobs.get(index.index().digest())).isEqualTo(index.index().bytes());
        for (Image image : index.images()) {
            org.assertj.core.api.Assertions.assertThat(blobs.get(image.manifest().digest()))
                    .isEqualTo(image.manifest().bytes());
            for (Blob blob : image.blobs()) {
                org.assertj.core.api.Assertions.assertThat(blobs.get(blob.digest())).as(blob.digest())
                        .isEqualTo(blob.bytes());
            }
        }
    }

    /** Every blob of an OCI layout, by digest. */
    static Map<String, byte[]> layoutBlobs(Path layout) {
        Map<String, byte[]> blobs = new TreeMap<>();
        try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
            for (Path file : files.toList()) {
                blobs.put("sha256:" + file.getFileName(), Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return blobs;
    }

    static Map<?, ?> readJson(byte[] bytes) {
        return JSON.readValue(bytes, Map.class);
    }

    static List<?> readJsonList(String json) {
        return JSON.readValue(json, List.class);
    }

    static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A size as the web UI writes it: bytes below 1 KiB, else binary units to one decimal. */
    static String uiSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"KiB", "MiB", "GiB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // Manifests are pretty-printed, unlike what most clients produce: a registry that re-serialises
    // JSON instead of keeping the pushed bytes changes the digest, and the round-trip tests notice.
    private static byte[] prettyJson(Object value) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** A tar of a directory {@code layer<n>/} holding a text file and a file of random bytes. */
    private static byte[] randomLayerTar(int layer, String nonce) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] noise = new byte[16 * 1024 + random.nextInt(64 * 1024)];
        random.nextBytes(noise);
        String dir = "layer" + layer + "/";
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        writeTarEntry(tar, dir, '5', 0755, new byte[0]);
        writeTarEntry(tar, dir + "hello.txt", '0', 0644,
                ("hello from stowage test layer " + layer + " " + nonce + "\n").getBytes(StandardCharsets.UTF_8));
        writeTarEntry(tar, dir + "noise.bin", '0', 0644, noise);
        tar.writeBytes(new byte[1024]); // two zero blocks end the archive
        return tar.toByteArray();
    }

    /** One ustar header and its content, padded to 512-byte blocks. */
    private static void writeTarEntry(ByteArrayOutputStream tar, String name, char type, int mode, byte[] content) {
        byte[] header = new byte[512];
        put(header, 0, 100, name.getBytes(StandardCharsets.US_ASCII));
        put(header, 100, 8, octal(mode, 7));
        put(header, 108, 8, octal(0, 7));
        put(header, 116, 8, octal(0, 7));
        put(header, 124, 12, octal(content.length, 11));
        put(header, 136, 12, octal(Instant.now().getEpochSecond(), 11));
        put(header, 148, 8, "        ".getBytes(StandardCharsets.US_ASCII));
        header[156] = (byte) type;
        put(header, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(header, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        put(header, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
        put(header, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
        long checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        byte[] digits = octal(checksum, 6);
        put(header, 148, 8, new byte[] {digits[0], digits[1], digits[2], digits[3], digits[4], digits[5], 0, ' '});
        tar.writeBytes(header);
        tar.writeBytes(content);
        int padding = (512 - content.length % 512) % 512;
        tar.writeBytes(new byte[padding]);
    }

    private static byte[] octal(long value, int digits) {
        String text = Long.toOctalString(value);
        if (text.length() > digits) {
            throw new IllegalArgumentException(value + " does not fit a tar header field");
        }
        return ("0".repeat(digits - text.length()) + text).getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(byte[] header, int offset, int length, byte[] value) {
        if (value.length > length) {
            throw new IllegalArgumentException("tar header field too long");
        }
        System.arraycopy(value, 0, header, offset, value.length);
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
