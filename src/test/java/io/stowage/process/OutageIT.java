package io.stowage.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.stowage.storage.s3.S3TestServer;
import io.stowage.ui.UiForms;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acceptance: PostgreSQL, then S3, stopped under load. Stowage runs from the packaged jar with token auth on, over a
 * PostgreSQL and an S3 API of the test's own, while four clients push (chunked layer, monolithic config, manifest)
 * and pull (manifest, layer) in a loop and a probe asks for readiness four times a second. PostgreSQL is stopped
 * as by a crash ({@code pg_ctl -m immediate}) and started again, then S3Proxy. During each outage every answer is
 * 503 with the OCI body and {@code Retry-After} (none 500, ever), readiness says DOWN within 3 s and each probe
 * answers within 3 s, the log holds a few lines, no stack trace; after each, pushes succeed within seconds, and at
 * the end every push that got 201 reads back byte for byte. What was measured is printed.
 */
class OutageIT {

    private static final String ADMIN = "admin";
    private static final String PASSWORD = "outage-admin-password";
    private static final String BUCKET = "outage";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final int CLIENTS = 4;
    /** Requests that started this soon after a stop may have done their database or storage work already. */
    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final Duration OUTAGE = Duration.ofSeconds(8);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z)\\s");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Pushed> pushed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> corrupt = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    /** One answer a client got: what it was, when it was asked and answered, and what came back. */
    private record Call(String kind, Instant started, Instant ended, int status, boolean ociUnavailable,
                        boolean retryAfter, String body) {
    }

    /** One readiness probe: when, how long it took, what it said (-1: no answer). */
    private record Probe(Instant started, long millis, int status) {
    }

    /** A push that got 201: what must read back. */
    private record Pushed(String repository, String tag, byte[] manifest, String layerDigest, byte[] layer) {
    }

    /**
     * When each outage began and ended, as the test saw it: stopped, restart begun, the dependency answering again
     * (PostgreSQL's restart includes its crash recovery), and the first push that then succeeded.
     */
    private record Outage(String name, Instant stopped, Instant restarted, Instant ready, Instant recovered) {
    }

    @Test
    void stoppingPostgresqlThenS3UnderLoadIsA503ForEachRequestAndRecoversWithNothingLost() throws Exception {
        int managementPort = freePort();
        try (RestartablePostgres postgres = RestartablePostgres.start(dir.resolve("postgres"), freePort());
             RestartableS3 s3 = RestartableS3.start(Files.createDirectories(dir.resolve("s3")), freePort())) {
            s3.createBucket(BUCKET);
            try (StowageProcess stowage = StowageProcess.start(dir.resolve("stowage"),
                    List.of("-XX:+UseSerialGC", "-Xmx384m"), List.of(
                            "--spring.datasource.url=" + postgres.jdbcUrl(),
                            "--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
                            "--stowage.storage.type=s3", "--stowage.storage.s3.endpoint=" + s3.endpoint(),
                            "--stowage.storage.s3.region=" + S3TestServer.REGION,
                            "--stowage.storage.s3.bucket=" + BUCKET,
                            "--stowage.storage.s3.access-key=" + S3TestServer.ACCESS_KEY,
                            "--stowage.storage.s3.secret-key=" + S3TestServer.SECRET_KEY,
                            "--stowage.storage.s3.path-style=true",
                            "--management.server.port=" + managementPort,
                            "--stowage.auth.mode=token", "--stowage.auth.admin.username=" + ADMIN,
                            "--stowage.auth.admin.password=" + PASSWORD))) {
                String base = stowage.baseUrl();
                String readiness = "http://127.0.0.1:" + managementPort + "/actuator/health/readiness";
                String uiSession = new UiForms(http, base).signIn(ADMIN, PASSWORD);
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    String repository = "outage/client-" + i;
                    String token = token(base, "repository:" + repository + ":pull,push");
                    threads.add(Thread.ofPlatform().name("client-" + i).start(() -> client(base, repository, token)));
                }
                threads.add(Thread.ofPlatform().name("readiness").start(() -> probe(readiness)));

                // Warmed up: every client pushed a few times (slow on a busy machine: the first requests compile).
                Instant warm = Instant.now().plusSeconds(90);
                while (pushed.size() < 3 * CLIENTS && Instant.now().isBefore(warm)) {
                    Thread.sleep(200);
                }
                assertThat(pushed).as("pushes before any outage; answers: %s", calls).hasSizeGreaterThanOrEqualTo(
                        3 * CLIENTS);
                Thread.sleep(2_000);

                Instant pgStopped = Instant.now();
                postgres.stopImmediately();
                Thread.sleep(GRACE.plusSeconds(2).toMillis());
                List<String> otherSurfaces = otherSurfacesDuringDatabaseOutage(base, uiSession);
                Thread.sleep(OUTAGE.minus(GRACE).minusSeconds(2).toMillis());
                Instant pgRestarted = Instant.now();
                postgres.restart();
                Instant pgReady = Instant.now();
                Instant pgRecovered = awaitPushAfter(pgReady, Duration.ofSeconds(30));

                Thread.sleep(3_000);
                Instant s3Stopped = Instant.now();
                s3.stop();
                Thread.sleep(OUTAGE.toMillis());
                Instant s3Restarted = Instant.now();
                s3.start();
                Instant s3Ready = Instant.now();
                Instant s3Recovered = awaitPushAfter(s3Ready, Duration.ofSeconds(30));
                Thread.sleep(4_000);

                running.set(false);
                for (Thread thread : threads) {
                    thread.join(60_000);
                }
                String log = stowage.log();
                Outage database = new Outage("PostgreSQL", pgStopped, pgRestarted, pgReady, pgRecovered);
                Outage storage = new Outage("S3", s3Stopped, s3Restarted, s3Ready, s3Recovered);

                SoftAssertions softly = new SoftAssertions();
                report(database, log);
                report(storage, log);
                softly.assertThat(calls.stream().filter(c -> c.status() >= 500 && c.status() != 503
                        || c.status() < 0).map(Call::toString).toList()).as("answers 5xx but 503, or none at all")
                        .isEmpty();
                softly.assertThat(List.copyOf(corrupt)).as("200s with other bytes than pushed").isEmpty();
                System.out.println("filter, token endpoint and UI while PostgreSQL was down: " + (otherSurfaces
                        .isEmpty() ? "503 with Retry-After, each in its surface's format" : otherSurfaces));
                softly.assertThat(otherSurfaces).as("/v2/ filter, /auth/token, /ui/ while PostgreSQL was down")
                        .isEmpty();

                // PostgreSQL down: every request needs it (the tags, uploads, blobs and manifests are looked up there).
                List<Call> duringDatabase = within(database, call -> true);
                softly.assertThat(duringDatabase).as("requests while PostgreSQL was down").hasSizeGreaterThan(10);
                softly.assertThat(duringDatabase.stream().filter(c -> !(c.status() == 503 && c.ociUnavailable()
                        && c.retryAfter())).map(Call::toString).toList())
                        .as("answers while PostgreSQL was down that are not 503 with the OCI body and Retry-After")
                        .isEmpty();
                // S3 down: what needs blob bytes is 503; what needs the database only may go on.
                List<Call> duringStorage = within(storage, call -> true);
                softly.assertThat(within(storage, OutageIT::needsStorage)).as("requests for bytes while S3 was down")
                        .hasSizeGreaterThan(10);
                softly.assertThat(within(storage, OutageIT::needsStorage).stream().filter(c -> !(c.status() == 503
                        && c.ociUnavailable() && c.retryAfter())).map(Call::toString).toList())
                        .as("answers for bytes while S3 was down that are not 503 with the OCI body and Retry-After")
                        .isEmpty();
                softly.assertThat(duringStorage.stream().filter(c -> c.status() >= 300 && c.status() != 503)
                        .map(Call::toString).toList()).as("answers while S3 was down that are neither success nor 503")
                        .isEmpty();

                for (Outage outage : List.of(database, storage)) {
                    Optional<Probe> firstDown = probes.stream().filter(p -> !p.started().isBefore(outage.stopped())
                            && p.status() == 503).min(java.util.Comparator.comparing(Probe::started));
                    softly.assertThat(firstDown).as("readiness DOWN during the %s outage", outage.name()).isPresent();
                    firstDown.ifPresent(p -> softly.assertThat(Duration.between(outage.stopped(), p.started())
                            .plusMillis(p.millis())).as("%s stopped until readiness answered DOWN", outage.name())
                            .isLessThan(Duration.ofSeconds(3)));
                    // A probe still in flight when the dependency was restarted may rightly find it back.
                    firstDown.ifPresent(down -> softly.assertThat(probes.stream().filter(p ->
                            !p.started().isBefore(down.started())
                            && p.started().plusMillis(p.millis()).isBefore(outage.restarted())
                            && p.status() != 503).toList())
                            .as("readiness not DOWN while %s was down, after it first said so", outage.name())
                            .isEmpty());
                }
                softly.assertThat(probes.stream().filter(p -> p.millis() >= 3_000 || p.status() < 0).toList())
                        .as("readiness probes that took 3 s or more, or got no answer").isEmpty();
                for (Outage outage : List.of(database, storage)) {
                    softly.assertThat(Duration.between(outage.ready(), outage.recovered()))
                            .as("%s answering again until a push succeeded", outage.name())
                            .isLessThan(Duration.ofSeconds(5));
                    softly.assertThat(probes.stream().filter(p -> p.started().isAfter(outage.ready().plusSeconds(3))
                            && p.started().isBefore(outage.ready().plusSeconds(4))).toList())
                            .as("readiness 3 s after %s answers again", outage.name()).isNotEmpty()
                            .allMatch(p -> p.status() == 200);
                }

                for (Outage outage : List.of(database, storage)) {
                    List<String> lines = logLines(log, outage.stopped(), outage.recovered().plusSeconds(2));
                    // The outage log's: one when it starts, a summary per 10 s, one at the end; a line from a few
                    // background jobs (storage metrics, collector) that ran meanwhile.
                    softly.assertThat(lines).as("log lines during the %s outage", outage.name()).hasSizeLessThan(12);
                    softly.assertThat(lines).as("stack traces or errors during the %s outage", outage.name())
                            .noneMatch(line -> line.startsWith("\tat ") || line.contains(" ERROR "));
                }
                softly.assertThat(log).contains("Metadata database unavailable", "Metadata database available again",
                        "Blob storage unavailable", "Blob storage available again");

                List<String> lost = readBack(base);
                System.out.printf("%d pushes acknowledged with 201, %d did not read back byte for byte%n",
                        pushed.size(), lost.size());
                softly.assertThat(lost).as("acknowledged pushes that do not read back byte for byte").isEmpty();
                softly.assertAll();
            }
        }
    }

    /**
     * During the database outage: the /v2/ filter's own lookups, the token endpoint and the UI answer 503 too. What is
     * wrong is returned, for the test to report with the rest.
     */
    private List<String> otherSurfacesDuringDatabaseOutage(String base, String uiSession) {
        List<String> wrong = new ArrayList<>();
        String admin = "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        // Someone who never signed in: the account must be looked up (the administrator's sign-in is remembered).
        String stranger = "Basic " + Base64.getEncoder().encodeToString("stranger:secret"
                .getBytes(StandardCharsets.UTF_8));
        // Basic credentials on /v2/ are checked by the authorization filter, against the accounts in the database.
        for (String credentials : List.of(admin, stranger)) {
            expect(wrong, "/v2/ with basic credentials", HttpRequest.newBuilder(URI.create(base
                    + "/v2/outage/client-0/tags/list")).header("Authorization", credentials), "application/json",
                    "\"code\":\"UNAVAILABLE\"");
        }
        expect(wrong, "/auth/token", HttpRequest.newBuilder(URI.create(base + "/auth/token?service=stowage"))
                .header("Authorization", stranger), "application/json", "\"error\":\"temporarily_unavailable\"");
        expect(wrong, "/ui/ anonymous", HttpRequest.newBuilder(URI.create(base + "/ui/")), "text/html", "503");
        // A signed-in session: the UI's filter asks the database whether it was revoked.
        expect(wrong, "/ui/ signed in", HttpRequest.newBuilder(URI.create(base + "/ui/")).header("Cookie", uiSession),
                "text/html", "503");
        return wrong;
    }

    /** Adds to {@code wrong} unless the request is answered 503 with Retry-After, that type and that in its body. */
    private void expect(List<String> wrong, String what, HttpRequest.Builder request, String type, String body) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 503 || response.headers().firstValue("Retry-After").isEmpty()
                    || !response.headers().firstValue("Content-Type").orElse("").startsWith(type)
                    || !response.body().contains(body)) {
                wrong.add(what + " -> " + response.statusCode() + " " + response.headers().firstValue("Content-Type")
                        .orElse("") + " Retry-After " + response.headers().firstValue("Retry-After").orElse("none")
                        + ": " + response.body().substring(0, Math.min(300, response.body().length())));
            }
        } catch (IOException | InterruptedException e) {
            wrong.add(what + " -> no answer within 10 s: " + e);
        }
    }

    // ---------------------------------------------------------------- the load

    private void client(String base, String repository, String token) {
        int round = 0;
        while (running.get()) {
            try {
                push(base, repository, token, Thread.currentThread().getName() + "-" + round++);
                pull(base, repository, token);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                corrupt.add(repository + ": " + e);
            }
        }
    }

    private void push(String base, String repository, String token, String tag) throws InterruptedException {
        // More than the 64 KiB an S3 upload's state carries inline: every chunk goes to S3.
        byte[] layer = random(ThreadLocalRandom.current().nextInt(65 * 1024, 256 * 1024));
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"nonce\":\"" + HexFormat.of().formatHex(
                random(8)) + "\"}").getBytes(StandardCharsets.UTF_8);
        String v2 = base + "/v2/" + repository;

        HttpResponse<String> started = call("upload-start", request(v2 + "/blobs/uploads/", token)
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (started == null || started.statusCode() != 202) {
            return;
        }
        String location = base + started.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> patched = call("upload-patch", request(location, token)
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(layer)));
        if (patched == null || patched.statusCode() != 202) {
            return;
        }
        location = base + patched.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> completed = call("upload-put", request(location + "?digest=" + sha256(layer), token)
                .PUT(HttpRequest.BodyPublishers.noBody()));
        if (completed == null || completed.statusCode() != 201) {
            return;
        }
        HttpResponse<String> configPushed = call("blob-post", request(v2 + "/blobs/uploads/?digest=" + sha256(config),
                token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(config)));
        if (configPushed == null || configPushed.statusCode() != 201) {
            return;
        }
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + sha256(config) + "\",\"size\":"
                + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + sha256(layer) + "\",\"size\":" + layer.length + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = call("manifest-put", request(v2 + "/manifests/" + tag, token)
                .header("Content-Type", OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
        if (put != null && put.statusCode() == 201) {
            pushed.add(new Pushed(repository, tag, manifest, sha256(layer), layer));
        }
    }

    private void pull(String base, String repository, String token) throws InterruptedException {
        List<Pushed> mine = pushed.stream().filter(p -> p.repository().equals(repository)).toList();
        if (mine.isEmpty()) {
            return;
        }
        Pushed image = mine.get(ThreadLocalRandom.current().nextInt(mine.size()));
        String v2 = base + "/v2/" + repository;
        HttpResponse<byte[]> manifest = callForBytes("manifest-get", request(v2 + "/manifests/" + image.tag(), token)
                .header("Accept", OCI_MANIFEST).GET());
        if (manifest != null && manifest.statusCode() == 200 && !java.util.Arrays.equals(manifest.body(),
                image.manifest())) {
            corrupt.add("manifest " + repository + ":" + image.tag());
        }
        HttpResponse<byte[]> layer = callForBytes("blob-get", request(v2 + "/blobs/" + image.layerDigest(), token)
                .GET());
        if (layer != null && layer.statusCode() == 200 && !java.util.Arrays.equals(layer.body(), image.layer())) {
            corrupt.add("layer " + repository + "@" + image.layerDigest());
        }
    }

    private static boolean needsStorage(Call call) {
        return switch (call.kind()) {
            case "upload-patch", "upload-put", "blob-post", "blob-get" -> true;
            default -> false;
        };
    }

    private void probe(String readiness) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).build();
        while (running.get()) {
            Instant started = Instant.now();
            long begin = System.nanoTime();
            int status;
            try {
                status = client.send(HttpRequest.newBuilder(URI.create(readiness)).timeout(Duration.ofSeconds(3))
                        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                return;
            }
            probes.add(new Probe(started, (System.nanoTime() - begin) / 1_000_000, status));
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- after

    /** The calls a client started after the outage's stop (and the grace) and that ended before the restart. */
    private List<Call> within(Outage outage, Predicate<Call> kind) {
        Instant from = outage.stopped().plus(GRACE);
        return calls.stream().filter(kind).filter(c -> !c.started().isBefore(from)
                && c.ended().isBefore(outage.restarted())).toList();
    }

    /** Waits for a manifest push that succeeded after {@code after}; when it did. */
    private Instant awaitPushAfter(Instant after, Duration timeout) throws InterruptedException {
        Instant deadline = after.plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<Call> push = calls.stream().filter(c -> c.kind().equals("manifest-put") && c.status() == 201
                    && c.started().isAfter(after)).findFirst();
            if (push.isPresent()) {
                return push.get().ended();
            }
            Thread.sleep(100);
        }
        return deadline;
    }

    private List<String> readBack(String base) throws Exception {
        List<String> lost = new ArrayList<>();
        Map<String, String> tokens = new TreeMap<>();
        for (Pushed image : pushed) {
            String token = tokens.computeIfAbsent(image.repository(), repository -> {
                try {
                    return token(base, "repository:" + repository + ":pull");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            HttpResponse<byte[]> manifest = http.send(request(base + "/v2/" + image.repository() + "/manifests/"
                    + image.tag(), token).header("Accept", OCI_MANIFEST).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> layer = http.send(request(base + "/v2/" + image.repository() + "/blobs/"
                    + image.layerDigest(), token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (manifest.statusCode() != 200 || !java.util.Arrays.equals(manifest.body(), image.manifest())
                    || layer.statusCode() != 200 || !java.util.Arrays.equals(layer.body(), image.layer())) {
                lost.add(image.repository() + ":" + image.tag() + " -> " + manifest.statusCode() + "/"
                        + layer.statusCode());
            }
        }
        return lost;
    }

    /** Prints what was measured in an outage: answers per phase and kind, readiness, log lines. */
    private void report(Outage outage, String log) {
        Instant from = outage.stopped();
        Instant to = outage.restarted();
        Instant until = outage.recovered().plusSeconds(2);
        System.out.printf("%n== %s stopped for %.1f s; answering %.1f s after its restart began; a push succeeded"
                        + " %.1f s after that%n", outage.name(), seconds(from, to), seconds(to, outage.ready()),
                seconds(outage.ready(), outage.recovered()));
        System.out.println("statuses in the 3 s before: " + statuses(c -> c.started().isBefore(from)
                && !c.started().isBefore(from.minusSeconds(3))));
        System.out.println("statuses while down:       " + statuses(c -> !c.started().isBefore(from)
                && c.started().isBefore(to)));
        System.out.println("statuses from the restart until 2 s after the first push: " + statuses(c ->
                !c.started().isBefore(to) && c.started().isBefore(until)));
        List<Probe> probed = probes.stream().filter(p -> !p.started().isBefore(from.minusSeconds(1))
                && p.started().isBefore(until)).toList();
        System.out.println("readiness (ms after the stop:status in ms): " + probed.stream().map(p ->
                Duration.between(from, p.started()).toMillis() + ":" + p.status() + " in " + p.millis())
                .collect(Collectors.joining(", ")));
        System.out.printf("slowest readiness probe: %d ms%n", probed.stream().mapToLong(Probe::millis).max().orElse(0));
        List<String> lines = logLines(log, from, until);
        System.out.printf("log lines from the stop until 2 s after the first push (access and audit log aside): %d%n",
                lines.size());
        lines.forEach(line -> System.out.println("  | " + line));
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private Map<String, Map<Integer, Long>> statuses(Predicate<Call> which) {
        return calls.stream().filter(which).collect(Collectors.groupingBy(Call::kind, TreeMap::new,
                Collectors.groupingBy(Call::status, TreeMap::new, Collectors.counting())));
    }

    /**
     * The log's lines in a period, continuation lines (stack traces) with the line they continue; the access log's
     * line per request and the audit log's per push aside: they record the requests, not the outage.
     */
    private static List<String> logLines(String log, Instant from, Instant to) {
        List<String> lines = new ArrayList<>();
        Instant current = Instant.MIN;
        boolean access = false;
        for (String line : log.lines().toList()) {
            Matcher time = LOG_TIME.matcher(line);
            if (time.find()) {
                current = Instant.parse(time.group(1));
                access = line.contains("io.stowage.access") || line.contains("io.stowage.accounts.AuditLog");
            }
            if (!access && !current.isBefore(from) && current.isBefore(to)) {
                lines.add(line);
            }
        }
        return lines;
    }

    // ---------------------------------------------------------------- HTTP

    private String token(String base, String scope) throws Exception {
        String basic = Base64.getEncoder().encodeToString((ADMIN + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base
                + "/auth/token?service=stowage&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)))
                .header("Authorization", "Basic " + basic));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("token").asString();
    }

    private static HttpRequest.Builder request(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends and records; null when no answer came (recorded as status -1). */
    private HttpResponse<String> call(String kind, HttpRequest.Builder request) throws InterruptedException {
        Instant started = Instant.now();
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            calls.add(call(kind, started, response));
            return response;
        } catch (IOException e) {
            calls.add(new Call(kind, started, Instant.now(), -1, false, false, e.toString()));
            return null;
        }
    }

    private HttpResponse<byte[]> callForBytes(String kind, HttpRequest.Builder request) throws InterruptedException {
        Instant started = Instant.now();
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            String body = response.statusCode() == 200 ? "" : new String(response.body(), StandardCharsets.UTF_8);
            calls.add(new Call(kind, started, Instant.now(), response.statusCode(), isOciUnavailable(body),
                    response.headers().firstValue("Retry-After").isPresent(), body));
            return response;
        } catch (IOException e) {
            calls.add(new Call(kind, started, Instant.now(), -1, false, false, e.toString()));
            return null;
        }
    }

    private static Call call(String kind, Instant started, HttpResponse<String> response) {
        return new Call(kind, started, Instant.now(), response.statusCode(), isOciUnavailable(response.body()),
                response.headers().firstValue("Retry-After").isPresent(), response.body());
    }

    private static boolean isOciUnavailable(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            return errors.isArray() && !errors.isEmpty() && "UNAVAILABLE".equals(errors.get(0).path("code").asString());
        } catch (RuntimeException notJson) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
