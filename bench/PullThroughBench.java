import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pull-through cache bench's client (bench/pull-through): {@code seed} pushes images to the upstream,
 * {@code pull} pulls them through a cache (manifest by tag, config and layers, every digest checked) with several
 * clients and prints seconds and MB/s as one tab-separated line.
 */
public class PullThroughBench {

    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** An image the upstream holds: its repository, and the digests and sizes of its config and layers. */
    record Image(String repository, String manifestDigest, List<String> blobs, long bytes) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            o.put(args[i].substring(2, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
        }
        switch (args[0]) {
            case "seed" -> seed(URI.create(o.get("url")), o.get("prefix"), Integer.parseInt(o.get("images")),
                    Integer.parseInt(o.get("layers")), Integer.parseInt(o.get("layer-kb")), Path.of(o.get("out")));
            case "session" -> session(URI.create(o.get("url")), o.get("prefix"), Path.of(o.get("warmup")),
                    Path.of(o.get("measured")), Integer.parseInt(o.get("clients")),
                    Integer.parseInt(o.get("warm-passes")));
            default -> throw new IllegalArgumentException("seed or pull, not " + args[0]);
        }
    }

    /** Pushes {@code images} images of {@code layers} random layers each to the upstream; lists them in {@code out}. */
    static void seed(URI upstream, String prefix, int images, int layers, int layerKb, Path out) throws Exception {
        SplittableRandom random = new SplittableRandom(prefix.hashCode());
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            String repository = prefix + "/image-" + i;
            List<String> blobs = new ArrayList<>();
            StringBuilder layerJson = new StringBuilder();
            long bytes = 0;
            for (int l = 0; l < layers; l++) {
                byte[] layer = new byte[layerKb * 1024];
                random.nextBytes(layer);
                String digest = push(upstream, repository, layer);
                blobs.add(digest);
                bytes += layer.length;
                layerJson.append(l == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                        + "\"digest\":\"").append(digest).append("\",\"size\":").append(layer.length).append('}');
            }
            byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                    + "\"diff_ids\":[]},\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            String configDigest = push(upstream, repository, config);
            blobs.add(0, configDigest);
            bytes += config.length;
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":"
                    + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                    + config.length + "},\"layers\":[" + layerJson + "]}").getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(upstream.resolve("/v2/" + repository
                            + "/manifests/latest")).header("Content-Type", MANIFEST)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.ofString());
            if (put.statusCode() != 201) {
                throw new IllegalStateException("manifest push: " + put.statusCode() + " " + put.body());
            }
            lines.add(repository + "\t" + sha256(manifest) + "\t" + String.join(",", blobs) + "\t" + bytes);
        }
        Files.write(out, lines);
    }

    static String push(URI upstream, String repository, byte[] blob) throws Exception {
        String digest = sha256(blob);
        HttpResponse<String> started = HTTP.send(HttpRequest.newBuilder(upstream.resolve("/v2/" + repository
                + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        URI location = upstream.resolve(started.headers().firstValue("Location").orElseThrow());
        URI target = URI.create(location + (location.getRawQuery() == null ? "?" : "&") + "digest=" + digest);
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(target)
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) {
            throw new IllegalStateException("blob push: " + put.statusCode() + " " + put.body());
        }
        return digest;
    }

    /**
     * One cache's session, in one JVM so that the client is warm too: the warm-up images pulled twice (through the
     * cache's cold path, then its warm one), then the measured images once cold and {@code warmPasses} times warm,
     * each pass printed as {@code phase seconds MB/s errors}.
     */
    static void session(URI cache, String prefix, Path warmup, Path measured, int clients, int warmPasses)
            throws Exception {
        List<Image> warm = images(warmup);
        pull(cache, prefix, warm, clients);
        pull(cache, prefix, warm, clients);
        List<Image> images = images(measured);
        System.out.println("cold\t" + pull(cache, prefix, images, clients));
        for (int i = 0; i < warmPasses; i++) {
            System.out.println("warm\t" + pull(cache, prefix, images, clients));
        }
    }

    static List<Image> images(Path list) throws IOException {
        List<Image> images = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            String[] cols = line.split("\t");
            images.add(new Image(cols[0], cols[1], List.of(cols[2].split(",")), Long.parseLong(cols[3])));
        }
        return images;
    }

    /** Pulls every listed image through the cache, {@code clients} at a time: seconds, MB/s and errors. */
    static String pull(URI cache, String prefix, List<Image> images, int clients) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < images.size(); i = next.getAndIncrement()) {
                        try {
                            bytes.addAndGet(pullImage(cache, prefix, images.get(i)));
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            System.err.println("pull of " + images.get(i).repository() + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return String.format("%.3f\t%.1f\t%d", seconds, bytes.get() / 1e6 / seconds, errors.get());
    }

    static long pullImage(URI cache, String prefix, Image image) throws Exception {
        String name = (prefix.isEmpty() ? "" : prefix + "/") + image.repository();
        HttpResponse<byte[]> manifest = HTTP.send(HttpRequest.newBuilder(cache.resolve("/v2/" + name
                + "/manifests/latest")).header("Accept", MANIFEST).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (manifest.statusCode() != 200 || !sha256(manifest.body()).equals(image.manifestDigest())) {
            throw new IOException("manifest " + name + ": " + manifest.statusCode());
        }
        long total = manifest.body().length;
        for (String digest : image.blobs()) {
            HttpResponse<InputStream> blob = HTTP.send(HttpRequest.newBuilder(cache.resolve("/v2/" + name + "/blobs/"
                    + digest)).build(), HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = blob.body()) {
                byte[] buffer = new byte[256 * 1024];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    sha.update(buffer, 0, read);
                    total += read;
                }
            }
            String got = "sha256:" + HexFormat.of().formatHex(sha.digest());
            if (blob.statusCode() != 200 || !got.equals(digest)) {
                throw new IOException("blob " + name + "@" + digest + ": " + blob.statusCode() + ", " + got);
            }
        }
        return total;
    }

    static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
