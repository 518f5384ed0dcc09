import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generator for an OCI distribution registry: blob push (monolithic and chunked), blob pull,
 * manifest GET/HEAD and small-image push, all through the real OCI HTTP flow, with every response checked.
 *
 * <p>JDK only, run as a single-file source program:
 * <pre>
 *   java bench/RegistryBench.java prepare --file=blob.bin --mb=256
 *   java bench/RegistryBench.java run --name=stowage --url=http://127.0.0.1:5000 --file=blob.bin --out=stowage.tsv [--pid=N] [--pg-pidfile=...]
 *   java bench/RegistryBench.java table --results=distribution.tsv,stowage.tsv
 * </pre>
 *
 * <p>HTTP is spoken over plain blocking socket channels rather than {@code java.net.http.HttpClient}: on a
 * two-core machine the client shares the CPU with the server under test, and this keeps the client's share
 * small (request bodies go out with {@code FileChannel.transferTo}, i.e. sendfile(2); response bodies are
 * read into one direct buffer and discarded).
 */
public class RegistryBench {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String MANIFEST_ACCEPT = OCI_MANIFEST + ", application/vnd.docker.distribution.manifest.v2+json";
    static final int TAIL = 16;
    static final double MB = 1_000_000.0;

    static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watchdog");
        t.setDaemon(true);
        return t;
    });

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: RegistryBench prepare|run|table --key=value ...");
            System.exit(2);
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("expected --key=value, got " + a);
            }
            opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        Options o = new Options(opts);
        int rc = switch (args[0]) {
            case "prepare" -> prepare(o);
            case "run" -> new Run(o).execute();
            case "table" -> table(o);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        };
        System.exit(rc);
    }

    record Options(Map<String, String> map) {
        String str(String key, String dflt) {
            String v = map.get(key);
            return v == null || v.isEmpty() ? dflt : v;
        }

        String required(String key) {
            String v = map.get(key);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException("missing --" + key + "=");
            }
            return v;
        }

        int integer(String key, int dflt) {
            return Integer.parseInt(str(key, Integer.toString(dflt)));
        }
    }

    // ---------------------------------------------------------------- prepare

    /** Writes the large source blob (pseudo-random, fixed seed: identical for both registries) once. */
    static int prepare(Options o) throws Exception {
        Path file = Path.of(o.required("file"));
        long size = (long) o.integer("mb", 256) << 20;
        if (Files.exists(file) && Files.size(file) == size) {
            System.out.println("reusing " + file + " (" + (size >> 20) + " MiB)");
            return 0;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        SplittableRandom random = new SplittableRandom(0x5704A6EL);
        byte[] buf = new byte[8 << 20];
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written < size; ) {
                random.nextBytes(buf);
                int n = (int) Math.min(buf.length, size - written);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                written += n;
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("wrote " + file + " (" + (size >> 20) + " MiB)");
        return 0;
    }

    // ---------------------------------------------------------------- table

    /** Joins result files (first = baseline) into a markdown table with the ratio last/first. */
    static int table(Options o) throws Exception {
        String[] files = o.required("results").split(",");
        if (files.length != 2) {
            throw new IllegalArgumentException("--results needs exactly two files: baseline,candidate");
        }
        List<Map<String, String[]>> all = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (String f : files) {
            Map<String, String[]> rows = new LinkedHashMap<>();
            String name = Path.of(f).getFileName().toString().replaceFirst("\\.tsv$", "");
            if (Files.exists(Path.of(f))) {
                for (String line : Files.readAllLines(Path.of(f))) {
                    if (line.isBlank() || line.startsWith("#")) {
                        if (line.startsWith("#name\t")) {
                            name = line.substring(6).trim();
                        }
                        continue;
                    }
                    String[] cols = line.split("\t", -1);
                    rows.put(cols[0], cols);
                    if (!order.contains(cols[0])) {
                        order.add(cols[0]);
                    }
                }
            }
            all.add(rows);
            names.add(name);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario | unit | better | ").append(names.get(0)).append(" | ").append(names.get(1))
                .append(" | ratio ").append(names.get(1)).append('/').append(names.get(0)).append(" |\n");
        sb.append("|---|---|---|---:|---:|---:|\n");
        for (String key : order) {
            String[] a = all.get(0).get(key);
            String[] b = all.get(1).get(key);
            String[] any = a != null ? a : b;
            String label = any[1];
            String unit = any[2];
            String better = any[3];
            sb.append("| ").append(label).append(" | ").append(unit).append(" | ").append(better).append(" | ")
                    .append(cell(a)).append(" | ").append(cell(b)).append(" | ").append(ratio(a, b)).append(" |\n");
        }
        System.out.print(sb);
        return 0;
    }

    static String cell(String[] row) {
        if (row == null) {
            return "n/a";
        }
        String v = row[4];
        long errors = Long.parseLong(row[5]);
        return errors > 0 ? v + " (" + errors + " ERR)" : v;
    }

    static String ratio(String[] a, String[] b) {
        if (a == null || b == null) {
            return "n/a";
        }
        try {
            double x = Double.parseDouble(a[4]);
            double y = Double.parseDouble(b[4]);
            if (x == 0) {
                return "n/a";
            }
            String r = String.format(Locale.ROOT, "%.2f", y / x);
            return Long.parseLong(a[5]) + Long.parseLong(b[5]) > 0 ? r + " (errors)" : r;
        } catch (NumberFormatException e) {
            return "n/a";
        }
    }

    // ---------------------------------------------------------------- data

    static byte[] tail(String kind, long id) {
        byte[] t = String.format(Locale.ROOT, "%-6s%010d", kind, id).getBytes(StandardCharsets.US_ASCII);
        if (t.length != TAIL) {
            throw new IllegalStateException("tail length " + t.length);
        }
        return t;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String digestOf(byte[] data) {
        return "sha256:" + hex(sha256().digest(data));
    }

    /** A large blob: the source file with its last 16 bytes replaced by a per-blob tail, so every blob differs. */
    record BigBlob(long id, String digest, long size, byte[] tail) {
    }

    /** A 1 MiB layer: a 16-byte per-layer head followed by a slice of the shared random pool. */
    record Layer(long id, String digest, int poolOffset, byte[] head) {
    }

    record Image(String repo, String tag, List<Layer> layers, byte[] config, String configDigest,
                 byte[] manifest, String manifestDigest) {
    }

    // ---------------------------------------------------------------- HTTP

    /** One request body: a sequence of file regions and byte arrays. */
    static final class Body {
        final List<Object[]> parts = new ArrayList<>();
        long length;

        static Body empty() {
            return new Body();
        }

        Body file(FileChannel ch, long pos, long len) {
            if (len > 0) {
                parts.add(new Object[]{ch, pos, len});
                length += len;
            }
            return this;
        }

        Body bytes(byte[] b, int off, int len) {
            if (len > 0) {
                parts.add(new Object[]{b, off, len});
                length += len;
            }
            return this;
        }

        Body bytes(byte[] b) {
            return bytes(b, 0, b.length);
        }
    }

    /** What to do with a response body. */
    interface Sink {
        void accept(ByteBuffer buf);
    }

    static final class Response {
        int status;
        String statusLine;
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String rawHead;
        long bodyBytes;
        byte[] body; // collected bodies only (small)
        byte[] last = new byte[0];
        boolean sendFailed;

        String header(String name) {
            return headers.get(name);
        }
    }

    /** Records the request and response of an unexpected exchange, for the report. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    /** A minimal HTTP/1.1 keep-alive client connection (one per bench client thread). */
    /** Sent with every request when {@code --basic-auth=user:password} is given (a registry with auth on). */
    static volatile String AUTHORIZATION;

    static final class Conn implements Closeable {
        final String host;
        final int port;
        final URI base;
        final int timeoutSeconds;
        SocketChannel ch;
        final ByteBuffer in = ByteBuffer.allocateDirect(1 << 20).flip();
        String lastRequestHead;

        Conn(URI base, int timeoutSeconds) {
            this.base = base;
            this.host = base.getHost();
            this.port = base.getPort();
            this.timeoutSeconds = timeoutSeconds;
        }

        void open() throws IOException {
            ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(new InetSocketAddress(host, port));
            in.clear().flip();
        }

        @Override
        public void close() {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                ch = null;
            }
        }

        /** Path and query of a Location header value, resolved against the registry's base URL. */
        String target(String location) throws Failure {
            URI u = base.resolve(location);
            if (u.getHost() != null && !(u.getHost().equals(host) && u.getPort() == port)) {
                throw new Failure("Location points to another host: " + location);
            }
            return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        }

        Response exchange(String method, String target, List<String> headers, Body body, Sink sink,
                          boolean collect) throws IOException {
            boolean reused = ch != null && ch.isOpen();
            try {
                return once(method, target, headers, body, sink, collect);
            } catch (StaleConnection e) {
                if (!reused) {
                    throw new IOException("connection closed before a response", e);
                }
                close();
                return once(method, target, headers, body, sink, collect);
            }
        }

        private Response once(String method, String target, List<String> headers, Body body, Sink sink,
                              boolean collect) throws IOException {
            if (ch == null || !ch.isOpen()) {
                open();
            }
            SocketChannel c = ch;
            ScheduledFuture<?> timer = WATCHDOG.schedule(() -> {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // unblocks the client thread
                }
            }, timeoutSeconds, TimeUnit.SECONDS);
            try {
                StringBuilder head = new StringBuilder();
                head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
                head.append("Host: ").append(host).append(':').append(port).append("\r\n");
                head.append("User-Agent: stowage-bench\r\n");
                if (AUTHORIZATION != null) {
                    head.append("Authorization: ").append(AUTHORIZATION).append("\r\n");
                }
                for (String h : headers) {
                    head.append(h).append("\r\n");
                }
                if (body.length > 0 || method.equals("PUT") || method.equals("POST") || method.equals("PATCH")) {
                    head.append("Content-Length: ").append(body.length).append("\r\n");
                }
                head.append("\r\n");
                lastRequestHead = head.toString();
                boolean sendFailed = false;
                try {
                    writeFully(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)));
                    for (Object[] p : body.parts) {
                        if (p[0] instanceof FileChannel fc) {
                            long pos = (Long) p[1];
                            long end = pos + (Long) p[2];
                            while (pos < end) {
                                long n = fc.transferTo(pos, end - pos, ch);
                                if (n <= 0 && !ch.isOpen()) {
                                    throw new IOException("socket closed while sending");
                                }
                                pos += n;
                            }
                        } else {
                            writeFully(ByteBuffer.wrap((byte[]) p[0], (Integer) p[1], (Integer) p[2]));
                        }
                    }
                } catch (IOException e) {
                    // The server may have answered (an error) before reading the whole body: try to read it.
                    sendFailed = true;
                    if (!ch.isOpen()) {
                        throw e;
                    }
                }
                Response r = readResponse(method, sink, collect);
                r.sendFailed = sendFailed;
                String conn = r.header("Connection");
                if (sendFailed || (conn != null && conn.equalsIgnoreCase("close"))) {
                    close();
                }
                return r;
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            } finally {
                timer.cancel(false);
            }
        }

        private void writeFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        private boolean fill() throws IOException {
            in.compact();
            int n;
            try {
                n = ch.read(in);
            } finally {
                in.flip();
            }
            return n > 0;
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            while (true) {
                while (in.hasRemaining()) {
                    byte b = in.get();
                    if (b == '\n') {
                        byte[] bytes = line.toByteArray();
                        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
                    }
                    line.write(b);
                    if (line.size() > 65536) {
                        throw new IOException("header line too long");
                    }
                }
                if (!fill()) {
                    if (line.size() == 0) {
                        return null;
                    }
                    throw new IOException("connection closed mid-line");
                }
            }
        }

        private Response readResponse(String method, Sink sink, boolean collect) throws IOException {
            Response r = new Response();
            String status = readLine();
            if (status == null) {
                throw new StaleConnection();
            }
            StringBuilder raw = new StringBuilder(status).append('\n');
            r.statusLine = status;
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("bad status line: " + status);
            }
            r.status = Integer.parseInt(parts[1]);
            String line;
            while ((line = readLine()) != null && !line.isEmpty()) {
                raw.append(line).append('\n');
                int colon = line.indexOf(':');
                if (colon > 0) {
                    r.headers.merge(line.substring(0, colon).trim(), line.substring(colon + 1).trim(),
                            (x, y) -> x + ", " + y);
                }
            }
            r.rawHead = raw.toString();
            if (r.status == 100) {
                return readResponse(method, sink, collect);
            }
            ByteArrayOutputStream collected = collect || r.status >= 300 ? new ByteArrayOutputStream() : null;
            Tail tail = new Tail();
            Sink s = buf -> {
                tail.accept(buf.duplicate());
                if (collected != null && collected.size() < 1 << 22) {
                    ByteBuffer d = buf.duplicate();
                    byte[] b = new byte[d.remaining()];
                    d.get(b);
                    collected.write(b, 0, b.length);
                }
                if (sink != null) {
                    sink.accept(buf.duplicate());
                }
                r.bodyBytes += buf.remaining();
            };
            boolean noBody = method.equals("HEAD") || r.status == 204 || r.status == 304 || r.status < 200;
            String te = r.header("Transfer-Encoding");
            String cl = r.header("Content-Length");
            if (noBody) {
                // nothing
            } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                while (true) {
                    String sizeLine = readLine();
                    if (sizeLine == null) {
                        throw new IOException("EOF in chunked body");
                    }
                    int semi = sizeLine.indexOf(';');
                    long size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                    if (size == 0) {
                        String trailer;
                        while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                            // ignore trailers
                        }
                        break;
                    }
                    readExactly(size, s);
                    readLine();
                }
            } else if (cl != null) {
                readExactly(Long.parseLong(cl.split(",")[0].trim()), s);
            } else {
                while (true) {
                    if (in.hasRemaining()) {
                        s.accept(in);
                        in.position(in.limit());
                    }
                    if (!fill()) {
                        break;
                    }
                }
                close();
            }
            r.last = tail.bytes();
            if (collected != null) {
                r.body = collected.toByteArray();
            }
            return r;
        }

        private void readExactly(long n, Sink s) throws IOException {
            while (n > 0) {
                if (!in.hasRemaining() && !fill()) {
                    throw new IOException("connection closed with " + n + " body bytes to go");
                }
                int take = (int) Math.min(n, in.remaining());
                ByteBuffer slice = in.slice(in.position(), take);
                s.accept(slice);
                in.position(in.position() + take);
                n -= take;
            }
        }
    }

    static final class StaleConnection extends IOException {
        StaleConnection() {
            super("connection closed before the status line");
        }
    }

    /** Keeps the last 16 bytes seen. */
    static final class Tail {
        final byte[] buf = new byte[TAIL];
        int filled;

        void accept(ByteBuffer b) {
            int n = b.remaining();
            if (n >= TAIL) {
                b.position(b.limit() - TAIL);
                b.get(buf, 0, TAIL);
                filled = TAIL;
            } else {
                int keep = Math.min(filled, TAIL - n);
                System.arraycopy(buf, filled - keep, buf, 0, keep);
                b.get(buf, keep, n);
                filled = keep + n;
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, filled);
        }
    }

    // ---------------------------------------------------------------- the run

    /** Measured figure of one scenario. */
    record Result(String key, String label, String unit, String better, String value, long errors) {
    }

    static final class Run {
        final Options o;
        final String name;
        final URI base;
        final Path file;
        final long blobSize;
        final int blobsPerClient;
        final int chunkBytes;
        final int pullBlobsPerClient;
        final int images;
        final int imageClients;
        final int manifestClients;
        final int manifestSeconds;
        final int warmupSeconds;
        final int timeoutSeconds;
        final int maxErrorReports;
        final boolean syncBetween;
        final List<Result> results = new ArrayList<>();
        final PrintStream errorsOut;
        final AtomicInteger reported = new AtomicInteger();
        final RssSampler sampler;
        final List<BigBlob> pushed = new ArrayList<>();
        FileChannel source;
        MessageDigest prefix;
        byte[] pool;
        long nextBlobId = 1;

        Run(Options o) throws IOException {
            this.o = o;
            this.name = o.required("name");
            this.base = URI.create(o.required("url"));
            this.file = Path.of(o.required("file"));
            this.blobSize = Files.size(file);
            this.blobsPerClient = o.integer("blobs-per-client", 2);
            this.chunkBytes = o.integer("chunk-mb", 16) << 20;
            this.pullBlobsPerClient = o.integer("pull-blobs-per-client", 4);
            this.images = o.integer("images", 160);
            this.imageClients = o.integer("image-clients", 8);
            this.manifestClients = o.integer("manifest-clients", 16);
            String basicAuth = o.str("basic-auth", "");
            if (!basicAuth.isEmpty()) {
                AUTHORIZATION = "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8));
            }
            this.manifestSeconds = o.integer("manifest-seconds", 10);
            this.warmupSeconds = o.integer("warmup-seconds", 3);
            this.timeoutSeconds = o.integer("request-timeout-seconds", 300);
            this.maxErrorReports = o.integer("max-error-reports", 20);
            this.syncBetween = o.integer("sync", 1) == 1;
            String errors = o.str("errors", null);
            this.errorsOut = errors == null ? System.err
                    : new PrintStream(Files.newOutputStream(Path.of(errors)), true, StandardCharsets.UTF_8);
            String pid = o.str("pid", null);
            this.sampler = pid == null ? null : new RssSampler(Long.parseLong(pid), o.str("pg-pidfile", null));
        }

        int execute() throws Exception {
            long t0 = System.nanoTime();
            log("%s at %s: blob %d MiB, %d blob(s) per client, %d MiB chunks", name, base, blobSize >> 20,
                    blobsPerClient, chunkBytes >> 20);
            source = FileChannel.open(file, StandardOpenOption.READ);
            prefix = sha256();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
                long left = blobSize - TAIL;
                while (left > 0) {
                    buf.clear().limit((int) Math.min(buf.capacity(), left));
                    int n = ch.read(buf);
                    if (n < 0) {
                        throw new IOException("short file");
                    }
                    buf.flip();
                    prefix.update(buf);
                    left -= n;
                }
            }
            pool = new byte[16 << 20];
            new SplittableRandom(0xB10BL).nextBytes(pool);
            List<Image> warmImages = buildImages("bench/warmup", 1_000_000, 16, 8);
            List<Image> imageSet = buildImages("bench/img", 0, images, imageClients);
            log("data ready in %.1f s", (System.nanoTime() - t0) / 1e9);

            if (sampler != null) {
                sampler.start();
            }
            Map<String, Double> cpu = new LinkedHashMap<>();

            warmup(warmImages);

            List<BigBlob> mono1 = cpuPhase(cpu, "push-mono-1", () -> pushBlobs("push-mono-1",
                    "blob push, monolithic, 1 client", "bench/mono", 1, false));
            List<BigBlob> mono4 = cpuPhase(cpu, "push-mono-4", () -> pushBlobs("push-mono-4",
                    "blob push, monolithic, 4 clients", "bench/mono", 4, false));
            List<BigBlob> chunked1 = cpuPhase(cpu, "push-chunked-1", () -> pushBlobs("push-chunked-1",
                    "blob push, chunked " + (chunkBytes >> 20) + " MiB, 1 client", "bench/chunked", 1, true));
            List<BigBlob> chunked4 = cpuPhase(cpu, "push-chunked-4", () -> pushBlobs("push-chunked-4",
                    "blob push, chunked " + (chunkBytes >> 20) + " MiB, 4 clients", "bench/chunked", 4, true));
            verifyStat("bench/mono", concat(mono1, mono4));
            verifyStat("bench/chunked", concat(chunked1, chunked4));

            List<String[]> pullable = new ArrayList<>();
            for (BigBlob b : concat(mono1, mono4)) {
                pullable.add(new String[]{"bench/mono", b.digest(), hex(b.tail())});
            }
            for (BigBlob b : concat(chunked1, chunked4)) {
                pullable.add(new String[]{"bench/chunked", b.digest(), hex(b.tail())});
            }
            String blobsOut = o.str("blobs-out", null);
            if (blobsOut != null) {
                Files.writeString(Path.of(blobsOut), pullable.get(0)[0] + " " + pullable.get(0)[1] + "\n");
            }
            cpuPhase(cpu, "pull-1", () -> pull("pull-1", "blob pull, 1 client", pullable, 1));
            cpuPhase(cpu, "pull-4", () -> pull("pull-4", "blob pull, 4 clients", pullable, 4));

            cpuPhase(cpu, "image-push", () -> pushImages(imageSet));
            for (String kind : List.of("GET", "HEAD")) {
                for (boolean byDigest : List.of(false, true)) {
                    String key = "manifest-" + kind.toLowerCase(Locale.ROOT) + "-" + (byDigest ? "digest" : "tag");
                    cpuPhase(cpu, key, () -> manifests(key, imageSet, kind, byDigest));
                }
            }

            if (sampler != null) {
                sampler.stop();
                add(new Result("rss-main", "peak RSS, server process (VmHWM)", "MiB", "lower",
                        fmt(sampler.mainHwmKb / 1024.0, 0), 0));
                add(new Result("rss-total", "peak memory, server incl. PostgreSQL (sampled sum of PSS)", "MiB",
                        "lower", fmt(sampler.peakTotalPssKb / 1024.0, 0), 0));
            }
            if (!cpu.isEmpty()) {
                for (Map.Entry<String, Double> e : cpu.entrySet()) {
                    add(new Result("cpu-" + e.getKey(), "server CPU s (process tree), " + e.getKey(), "s", "lower",
                            fmt(e.getValue(), 1), 0));
                }
            }
            long errors = results.stream().mapToLong(Result::errors).sum();
            log("%s done in %.0f s, %d error(s)", name, (System.nanoTime() - t0) / 1e9, errors);
            writeResults();
            return errors > 0 ? 1 : 0;
        }

        interface Phase<T> {
            T run() throws Exception;
        }

        /**
         * Runs one measured scenario: first lets the page cache write back what earlier scenarios left dirty
         * (so one scenario's writeback does not slow the next), then records the server's and the client's CPU.
         */
        <T> T cpuPhase(Map<String, Double> cpu, String key, Phase<T> phase) throws Exception {
            if (syncBetween) {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("sync").inheritIO().start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroy();
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (s > 1) {
                    log("  (sync before %s took %.1f s)", key, s);
                }
            }
            double before = sampler == null ? 0 : sampler.cpuSeconds();
            double mainBefore = sampler == null ? 0 : sampler.mainCpuSeconds();
            long clientBefore = clientCpuNanos();
            T t = phase.run();
            String server = "";
            if (sampler != null) {
                cpu.put(key, sampler.cpuSeconds() - before);
                server = String.format(Locale.ROOT, ", server CPU %.1f s (main process %.1f s)", cpu.get(key),
                        sampler.mainCpuSeconds() - mainBefore);
            }
            log("  %-48s client CPU %.1f s%s", key, (clientCpuNanos() - clientBefore) / 1e9, server);
            return t;
        }

        static long clientCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
        }

        void writeResults() throws IOException {
            StringBuilder sb = new StringBuilder("#name\t" + name + "\n");
            for (Result r : results) {
                sb.append(String.join("\t", r.key(), r.label(), r.unit(), r.better(), r.value(),
                        Long.toString(r.errors()))).append('\n');
            }
            Path out = Path.of(o.required("out"));
            Files.writeString(out, sb);
        }

        void add(Result r) {
            results.add(r);
            log("  %-48s %12s %s%s", r.label(), r.value(), r.unit(), r.errors() > 0 ? "  (" + r.errors() + " errors)" : "");
        }

        static <T> List<T> concat(List<T> a, List<T> b) {
            List<T> l = new ArrayList<>(a);
            l.addAll(b);
            return l;
        }

        // ------------------------------------------------------------ failures

        void fail(String scenario, Conn c, String what, Response r, Throwable t) {
            int n = reported.incrementAndGet();
            if (n > maxErrorReports) {
                return;
            }
            StringBuilder sb = new StringBuilder();
            sb.append("=== ").append(name).append(" ERROR ").append(n).append(" [").append(scenario).append("] at ")
                    .append(Instant.now()).append(": ").append(what).append('\n');
            if (c != null && c.lastRequestHead != null) {
                sb.append("--- request\n").append(c.lastRequestHead.replace("\r", ""));
            }
            if (r != null) {
                sb.append("--- response").append(r.sendFailed ? " (server stopped reading the request body)" : "")
                        .append('\n').append(r.rawHead).append('\n');
                if (r.body != null && r.body.length > 0) {
                    sb.append(new String(r.body, 0, Math.min(r.body.length, 4096), StandardCharsets.UTF_8)).append('\n');
                }
            }
            if (t != null) {
                sb.append("--- exception: ").append(t).append('\n');
            }
            synchronized (errorsOut) {
                errorsOut.print(sb);
                errorsOut.flush();
            }
        }

        static void expect(Response r, int... statuses) throws Failure {
            for (int s : statuses) {
                if (r.status == s) {
                    return;
                }
            }
            throw new Failure("unexpected status " + r.status + " (wanted " + Arrays.toString(statuses) + ")");
        }

        // ------------------------------------------------------------ warm-up

        void warmup(List<Image> warmImages) throws Exception {
            long t0 = System.nanoTime();
            // Exercise every code path once or twice before measuring (JIT, connection pools, caches).
            byte[] small = Arrays.copyOf(pool, 8 << 20);
            AtomicLong errors = new AtomicLong();
            try (Conn c = new Conn(base, timeoutSeconds)) {
                for (int i = 0; i < 4; i++) {
                    byte[] data = small.clone();
                    System.arraycopy(tail("warm", i), 0, data, 0, TAIL);
                    String digest = digestOf(data);
                    try {
                        Response r = c.exchange("POST", "/v2/bench/warmup/blobs/uploads/", List.of(), Body.empty(), null, false);
                        expect(r, 202);
                        String loc = c.target(r.header("Location"));
                        if (i % 2 == 0) {
                            r = c.exchange("PUT", withDigest(loc, digest), List.of("Content-Type: application/octet-stream"),
                                    Body.empty().bytes(data), null, false);
                        } else {
                            for (int off = 0; off < data.length; off += 2 << 20) {
                                r = c.exchange("PATCH", loc, List.of("Content-Type: application/octet-stream",
                                                "Content-Range: " + off + "-" + (off + (2 << 20) - 1)),
                                        Body.empty().bytes(data, off, 2 << 20), null, false);
                                expect(r, 202);
                                loc = c.target(r.header("Location"));
                            }
                            r = c.exchange("PUT", withDigest(loc, digest), List.of(), Body.empty(), null, false);
                        }
                        expect(r, 201);
                        r = c.exchange("GET", "/v2/bench/warmup/blobs/" + digest, List.of(), Body.empty(), null, false);
                        expect(r, 200);
                    } catch (Failure | IOException e) {
                        errors.incrementAndGet();
                        fail("warmup", c, e.getMessage(), null, e);
                    }
                }
            }
            runClients(8, warmImages, errors, "warmup", null);
            // Manifest reads of all four kinds at full concurrency, so that neither the server's nor this
            // client's JIT is still compiling the read paths when the first manifest scenario is measured.
            long deadline = System.nanoTime() + warmupSeconds * 1_000_000_000L;
            parallel(manifestClients, i -> {
                try (Conn c = new Conn(base, timeoutSeconds)) {
                    int k = i;
                    while (System.nanoTime() < deadline) {
                        Image im = warmImages.get(k % warmImages.size());
                        try {
                            manifestOnce(c, im, (k & 1) == 0 ? "GET" : "HEAD", (k & 2) == 0);
                        } catch (Failure | IOException e) {
                            errors.incrementAndGet();
                            fail("warmup", c, e.getMessage(), null, e);
                        }
                        k++;
                    }
                }
            });
            log("warm-up done in %.1f s%s", (System.nanoTime() - t0) / 1e9,
                    errors.get() > 0 ? ", " + errors.get() + " errors" : "");
            if (errors.get() > 0) {
                add(new Result("warmup", "warm-up (errors only)", "-", "-", "0", errors.get()));
            }
        }

        // ------------------------------------------------------------ big blobs

        synchronized BigBlob newBlob() {
            long id = nextBlobId++;
            byte[] t = tail("blob", id);
            MessageDigest md;
            try {
                md = (MessageDigest) prefix.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
            md.update(t);
            return new BigBlob(id, "sha256:" + hex(md.digest()), blobSize, t);
        }

        static String withDigest(String target, String digest) {
            return target + (target.contains("?") ? "&" : "?") + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8);
        }

        List<BigBlob> pushBlobs(String key, String label, String repo, int clients, boolean chunked) throws Exception {
            List<List<BigBlob>> perClient = new ArrayList<>();
            List<BigBlob> all = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                List<BigBlob> mine = new ArrayList<>();
                for (int j = 0; j < blobsPerClient; j++) {
                    mine.add(newBlob());
                }
                perClient.add(mine);
                all.addAll(mine);
            }
            AtomicLong errors = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            double seconds = parallel(clients, i -> {
                try (Conn c = new Conn(base, timeoutSeconds)) {
                    for (BigBlob b : perClient.get(i)) {
                        Response r = null;
                        try {
                            r = c.exchange("POST", "/v2/" + repo + "/blobs/uploads/", List.of(), Body.empty(), null, false);
                            expect(r, 202);
                            String loc = c.target(r.header("Location"));
                            if (!chunked) {
                                Body body = Body.empty().file(source, 0, blobSize - TAIL).bytes(b.tail());
                                r = c.exchange("PUT", withDigest(loc, b.digest()),
                                        List.of("Content-Type: application/octet-stream"), body, null, false);
                            } else {
                                for (long off = 0; off < blobSize; off += chunkBytes) {
                                    long end = Math.min(blobSize, off + chunkBytes);
                                    Body body = Body.empty();
                                    long fileEnd = Math.min(end, blobSize - TAIL);
                                    if (fileEnd > off) {
                                        body.file(source, off, fileEnd - off);
                                    }
                                    if (end > blobSize - TAIL) {
                                        int from = (int) (Math.max(off, blobSize - TAIL) - (blobSize - TAIL));
                                        body.bytes(b.tail(), from, TAIL - from);
                                    }
                                    r = c.exchange("PATCH", loc, List.of("Content-Type: application/octet-stream",
                                            "Content-Range: " + off + "-" + (end - 1)), body, null, false);
                                    expect(r, 202);
                                    String range = r.header("Range");
                                    if (range == null || !range.replaceFirst("^bytes=", "").equals("0-" + (end - 1))) {
                                        throw new Failure("PATCH answered Range " + range + ", wanted 0-" + (end - 1));
                                    }
                                    loc = c.target(r.header("Location"));
                                }
                                r = c.exchange("PUT", withDigest(loc, b.digest()), List.of(), Body.empty(), null, false);
                            }
                            expect(r, 201);
                            String got = r.header("Docker-Content-Digest");
                            if (got != null && !got.equals(b.digest())) {
                                throw new Failure("Docker-Content-Digest " + got + " != " + b.digest());
                            }
                            bytes.addAndGet(blobSize);
                        } catch (Failure | IOException e) {
                            errors.incrementAndGet();
                            fail(key, c, e.getMessage(), r, e instanceof Failure ? null : e);
                        }
                    }
                }
            });
            add(new Result(key, label, "MB/s", "higher", fmt(bytes.get() / MB / seconds, 0), errors.get()));
            return all;
        }

        /** HEAD every pushed blob: it must exist with its size (not timed). */
        void verifyStat(String repo, List<BigBlob> blobs) throws Exception {
            long errors = 0;
            try (Conn c = new Conn(base, timeoutSeconds)) {
                for (BigBlob b : blobs) {
                    Response r = null;
                    try {
                        r = c.exchange("HEAD", "/v2/" + repo + "/blobs/" + b.digest(), List.of(), Body.empty(), null, false);
                        expect(r, 200);
                        if (!String.valueOf(blobSize).equals(r.header("Content-Length"))) {
                            throw new Failure("HEAD Content-Length " + r.header("Content-Length") + " != " + blobSize);
                        }
                    } catch (Failure | IOException e) {
                        errors++;
                        fail("verify " + repo, c, e.getMessage(), r, null);
                    }
                }
            }
            if (errors > 0) {
                add(new Result("verify-" + repo, "pushed blobs present (HEAD) in " + repo, "-", "-", "0", errors));
            }
        }

        Void pull(String key, String label, List<String[]> blobs, int clients) throws Exception {
            AtomicLong errors = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            double seconds = parallel(clients, i -> {
                try (Conn c = new Conn(base, timeoutSeconds)) {
                    for (int j = 0; j < pullBlobsPerClient; j++) {
                        String[] b = blobs.get((i * pullBlobsPerClient + j) % blobs.size());
                        Response r = null;
                        try {
                            r = c.exchange("GET", "/v2/" + b[0] + "/blobs/" + b[1], List.of(), Body.empty(), null, false);
                            checkPulled(r, b);
                            bytes.addAndGet(r.bodyBytes);
                        } catch (Failure | IOException e) {
                            errors.incrementAndGet();
                            fail(key, c, e.getMessage(), r, e instanceof Failure ? null : e);
                        }
                    }
                }
            });
            add(new Result(key, label, "MB/s", "higher", fmt(bytes.get() / MB / seconds, 0), errors.get()));
            // Full digest check of one pulled blob per scenario (not timed: hashing would load the shared CPU).
            String[] b = blobs.get(clients == 1 ? 0 : blobs.size() - 1);
            try (Conn c = new Conn(base, timeoutSeconds)) {
                MessageDigest md = sha256();
                Response r = null;
                try {
                    r = c.exchange("GET", "/v2/" + b[0] + "/blobs/" + b[1], List.of(), Body.empty(), md::update, false);
                    checkPulled(r, b);
                    String got = "sha256:" + hex(md.digest());
                    if (!got.equals(b[1])) {
                        throw new Failure("pulled bytes hash to " + got + ", wanted " + b[1]);
                    }
                } catch (Failure | IOException e) {
                    fail(key + " digest check", c, e.getMessage(), r, e instanceof Failure ? null : e);
                    add(new Result(key + "-digest", label + ": full digest check", "-", "-", "0", 1));
                }
            }
            return null;
        }

        void checkPulled(Response r, String[] b) throws Failure {
            expect(r, 200);
            if (r.bodyBytes != blobSize) {
                throw new Failure("pulled " + r.bodyBytes + " bytes, wanted " + blobSize);
            }
            if (!hex(r.last).equals(b[2])) {
                throw new Failure("pulled blob ends with " + hex(r.last) + ", wanted " + b[2]);
            }
            String got = r.header("Docker-Content-Digest");
            if (got != null && !got.equals(b[1])) {
                throw new Failure("Docker-Content-Digest " + got + " != " + b[1]);
            }
        }

        // ------------------------------------------------------------ small images

        List<Image> buildImages(String repoPrefix, long idBase, int count, int repos) {
            List<Image> list = new ArrayList<>();
            int layerSize = 1 << 20;
            for (int i = 0; i < count; i++) {
                List<Layer> layers = new ArrayList<>();
                StringBuilder diffIds = new StringBuilder();
                for (int j = 0; j < 3; j++) {
                    long id = idBase + i * 3L + j;
                    byte[] head = tail("layer", id);
                    int offset = (int) ((id * 104_729L * 64) % (pool.length - layerSize));
                    MessageDigest md = sha256();
                    md.update(head);
                    md.update(pool, offset, layerSize - TAIL);
                    String d = "sha256:" + hex(md.digest());
                    layers.add(new Layer(id, d, offset, head));
                    diffIds.append(j > 0 ? "," : "").append('"').append(d).append('"');
                }
                byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
                        + "\"config\":{\"Labels\":{\"bench.image\":\"" + (idBase + i) + "\"}},"
                        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}")
                        .getBytes(StandardCharsets.UTF_8);
                String configDigest = digestOf(config);
                StringBuilder m = new StringBuilder();
                m.append("{\"schemaVersion\":2,\"mediaType\":\"").append(OCI_MANIFEST).append("\",")
                        .append("\"config\":{\"mediaType\":\"").append(OCI_CONFIG).append("\",\"digest\":\"")
                        .append(configDigest).append("\",\"size\":").append(config.length).append("},\"layers\":[");
                for (int j = 0; j < layers.size(); j++) {
                    m.append(j > 0 ? "," : "").append("{\"mediaType\":\"").append(OCI_LAYER).append("\",\"digest\":\"")
                            .append(layers.get(j).digest()).append("\",\"size\":").append(layerSize).append('}');
                }
                m.append("]}");
                byte[] manifest = m.toString().getBytes(StandardCharsets.UTF_8);
                list.add(new Image(repoPrefix + "-" + (i % repos), "t" + i, layers, config, configDigest, manifest,
                        digestOf(manifest)));
            }
            return list;
        }

        /** The client flow of docker/containerd push: HEAD each blob, upload the missing ones, PUT the manifest. */
        void pushImage(Conn c, Image im) throws Failure, IOException {
            int layerSize = 1 << 20;
            List<Object[]> blobs = new ArrayList<>();
            for (Layer l : im.layers()) {
                blobs.add(new Object[]{l.digest(), Body.empty().bytes(l.head()).bytes(pool, l.poolOffset(), layerSize - TAIL)});
            }
            blobs.add(new Object[]{im.configDigest(), Body.empty().bytes(im.config())});
            for (Object[] b : blobs) {
                String digest = (String) b[0];
                Response r = c.exchange("HEAD", "/v2/" + im.repo() + "/blobs/" + digest, List.of(), Body.empty(), null, false);
                if (r.status == 200) {
                    continue;
                }
                expect(r, 404);
                r = c.exchange("POST", "/v2/" + im.repo() + "/blobs/uploads/", List.of(), Body.empty(), null, false);
                expect(r, 202);
                String loc = c.target(r.header("Location"));
                r = c.exchange("PUT", withDigest(loc, digest), List.of("Content-Type: application/octet-stream"),
                        (Body) b[1], null, false);
                expect(r, 201);
            }
            Response r = c.exchange("PUT", "/v2/" + im.repo() + "/manifests/" + im.tag(),
                    List.of("Content-Type: " + OCI_MANIFEST), Body.empty().bytes(im.manifest()), null, false);
            expect(r, 201);
            String got = r.header("Docker-Content-Digest");
            if (got != null && !got.equals(im.manifestDigest())) {
                throw new Failure("manifest PUT answered digest " + got + ", wanted " + im.manifestDigest());
            }
        }

        /** Pushes the images with {@code clients} threads taking them in turn; returns elapsed seconds. */
        double runClients(int clients, List<Image> set, AtomicLong errors, String key, AtomicLong done) throws Exception {
            AtomicInteger next = new AtomicInteger();
            return parallel(clients, i -> {
                try (Conn c = new Conn(base, timeoutSeconds)) {
                    int k;
                    while ((k = next.getAndIncrement()) < set.size()) {
                        try {
                            pushImage(c, set.get(k));
                            if (done != null) {
                                done.incrementAndGet();
                            }
                        } catch (Failure | IOException e) {
                            errors.incrementAndGet();
                            fail(key, c, e.getMessage() + " (image " + set.get(k).repo() + ":" + set.get(k).tag() + ")",
                                    null, e instanceof Failure ? null : e);
                        }
                    }
                }
            });
        }

        Void pushImages(List<Image> set) throws Exception {
            AtomicLong errors = new AtomicLong();
            AtomicLong done = new AtomicLong();
            double seconds = runClients(imageClients, set, errors, "image-push", done);
            add(new Result("image-push", "small-image push (3 x 1 MiB layers), " + imageClients + " clients",
                    "images/s", "higher", fmt(done.get() / seconds, 1), errors.get()));
            return null;
        }

        // ------------------------------------------------------------ manifests

        void manifestOnce(Conn c, Image im, String method, boolean byDigest) throws Failure, IOException {
            String ref = byDigest ? im.manifestDigest() : im.tag();
            Response r = c.exchange(method, "/v2/" + im.repo() + "/manifests/" + ref, List.of("Accept: " + MANIFEST_ACCEPT),
                    Body.empty(), null, method.equals("GET"));
            expect(r, 200);
            String got = r.header("Docker-Content-Digest");
            if (!im.manifestDigest().equals(got)) {
                throw new Failure("Docker-Content-Digest " + got + ", wanted " + im.manifestDigest());
            }
            if (method.equals("GET")) {
                if (!Arrays.equals(r.body, im.manifest())) {
                    throw new Failure("manifest body differs from the pushed bytes (" + r.body.length + " bytes)");
                }
            } else if (!String.valueOf(im.manifest().length).equals(r.header("Content-Length"))) {
                throw new Failure("HEAD Content-Length " + r.header("Content-Length") + ", wanted " + im.manifest().length);
            }
        }

        Void manifests(String key, List<Image> set, String method, boolean byDigest) throws Exception {
            AtomicLong errors = new AtomicLong();
            AtomicLong count = new AtomicLong();
            // Two seconds of unmeasured load first, then a window of manifestSeconds.
            long[] window = new long[2];
            Thread marker = new Thread(() -> {
                try {
                    Thread.sleep(2000);
                    count.set(0);
                    window[0] = System.nanoTime();
                    Thread.sleep(manifestSeconds * 1000L);
                    window[1] = System.nanoTime();
                } catch (InterruptedException ignored) {
                    // ends the run
                }
            });
            marker.start();
            parallel(manifestClients, i -> {
                try (Conn c = new Conn(base, timeoutSeconds)) {
                    int k = i * 7;
                    while (window[1] == 0) {
                        Image im = set.get(k++ % set.size());
                        try {
                            manifestOnce(c, im, method, byDigest);
                            if (window[1] == 0) {
                                count.incrementAndGet();
                            }
                        } catch (Failure | IOException e) {
                            errors.incrementAndGet();
                            fail(key, c, e.getMessage(), null, e instanceof Failure ? null : e);
                        }
                    }
                }
            });
            marker.join();
            double seconds = (window[1] - window[0]) / 1e9;
            String label = "manifest " + method + " by " + (byDigest ? "digest" : "tag") + ", " + manifestClients + " clients";
            add(new Result(key, label, "req/s", "higher", fmt(count.get() / seconds, 0), errors.get()));
            return null;
        }

        // ------------------------------------------------------------ plumbing

        interface ClientBody {
            void run(int client) throws Exception;
        }

        /** Runs {@code n} client threads from a common start; returns the elapsed wall time in seconds. */
        double parallel(int n, ClientBody body) throws Exception {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            ConcurrentLinkedQueue<Throwable> crashes = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int client = i;
                Thread t = new Thread(() -> {
                    ready.countDown();
                    try {
                        go.await();
                        body.run(client);
                    } catch (Throwable e) {
                        crashes.add(e);
                    }
                }, "client-" + i);
                threads.add(t);
                t.start();
            }
            ready.await();
            long t0 = System.nanoTime();
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (!crashes.isEmpty()) {
                IOException e = new IOException("client thread crashed");
                crashes.forEach(e::addSuppressed);
                throw e;
            }
            return seconds;
        }

        void log(String format, Object... args) {
            System.out.printf(Locale.ROOT, "[%s] " + format + "%n", prepend(name, args));
        }

        static Object[] prepend(Object first, Object[] rest) {
            Object[] all = new Object[rest.length + 1];
            all[0] = first;
            System.arraycopy(rest, 0, all, 1, rest.length);
            return all;
        }
    }

    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    // ---------------------------------------------------------------- RSS and CPU

    /**
     * Samples the server's memory: the main process's VmHWM (the kernel's exact peak), and the peak of the
     * summed PSS of the main process tree plus the PostgreSQL tree (postmaster pid from postmaster.pid), so
     * PostgreSQL's shared buffers are counted once, not once per backend.
     */
    static final class RssSampler {
        final long pid;
        final String pgPidFile;
        volatile long mainHwmKb;
        volatile long peakTotalPssKb;
        volatile boolean running;
        Thread thread;
        final long clkTck = 100;

        RssSampler(long pid, String pgPidFile) {
            this.pid = pid;
            this.pgPidFile = pgPidFile;
        }

        void start() {
            running = true;
            thread = new Thread(() -> {
                while (running) {
                    sample();
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join();
            sample();
        }

        void sample() {
            long hwm = statusKb(pid, "VmHWM:");
            if (hwm > mainHwmKb) {
                mainHwmKb = hwm;
            }
            long total = 0;
            for (long p : tree()) {
                total += pssKb(p);
            }
            if (total > peakTotalPssKb) {
                peakTotalPssKb = total;
            }
        }

        List<Long> tree() {
            Map<Long, List<Long>> children = new TreeMap<>();
            try (var dirs = Files.list(Path.of("/proc"))) {
                for (Path d : (Iterable<Path>) dirs::iterator) {
                    String n = d.getFileName().toString();
                    if (!n.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    long[] st = stat(Long.parseLong(n));
                    if (st != null) {
                        children.computeIfAbsent(st[0], k -> new ArrayList<>()).add(Long.parseLong(n));
                    }
                }
            } catch (IOException e) {
                return List.of(pid);
            }
            List<Long> roots = new ArrayList<>(List.of(pid));
            long pg = postmaster();
            if (pg > 0 && pg != pid) {
                roots.add(pg);
            }
            List<Long> out = new ArrayList<>();
            ArrayList<Long> queue = new ArrayList<>(roots);
            while (!queue.isEmpty()) {
                long p = queue.remove(queue.size() - 1);
                if (out.contains(p)) {
                    continue;
                }
                out.add(p);
                queue.addAll(children.getOrDefault(p, List.of()));
            }
            return out;
        }

        long postmaster() {
            if (pgPidFile == null) {
                return -1;
            }
            try {
                return Long.parseLong(Files.readAllLines(Path.of(pgPidFile)).get(0).trim());
            } catch (Exception e) {
                return -1;
            }
        }

        /** CPU seconds (user + system, including reaped children) of the whole tree, now. */
        double cpuSeconds() {
            long ticks = 0;
            for (long p : tree()) {
                long[] st = stat(p);
                if (st != null) {
                    ticks += st[1];
                }
            }
            return ticks / (double) clkTck;
        }

        /** CPU seconds of the main process alone (all its threads). */
        double mainCpuSeconds() {
            long[] st = stat(pid);
            return st == null ? 0 : st[1] / (double) clkTck;
        }

        /** {ppid, utime+stime+cutime+cstime} from /proc/pid/stat, or null. */
        static long[] stat(long p) {
            try {
                String s = Files.readString(Path.of("/proc/" + p + "/stat"));
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                // f[0]=state f[1]=ppid ... f[11]=utime f[12]=stime f[13]=cutime f[14]=cstime
                return new long[]{Long.parseLong(f[1]),
                        Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])};
            } catch (Exception e) {
                return null;
            }
        }

        static long statusKb(long p, String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + p + "/status"))) {
                    if (line.startsWith(field)) {
                        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                    }
                }
            } catch (Exception ignored) {
                // process gone
            }
            return 0;
        }

        static long pssKb(long p) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + p + "/smaps_rollup"))) {
                    if (line.startsWith("Pss:")) {
                        return Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                    }
                }
            } catch (Exception ignored) {
                // process gone
            }
            return 0;
        }
    }
}
