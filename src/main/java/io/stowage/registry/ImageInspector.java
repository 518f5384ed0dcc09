package io.stowage.registry;

import static io.stowage.registry.Platforms.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stowage.metadata.ManifestRecord;
import io.stowage.metadata.ReferrerRecord;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A manifest as people inspect it (the web UI): an index's platforms, or an image's layers, config, history,
 * annotations and referrers. Layers come from the manifest already read; the config blob is read only when small;
 * referrers take one query. The caller must have checked that the visitor may pull the repository.
 */
@Service
public class ImageInspector {

    /** The largest config blob read for display; real configs are a few KiB. */
    public static final long MAX_CONFIG_BYTES = 1024 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ManifestService manifests;
    private final ManifestParser parser;
    private final BlobService blobs;
    private final ReferrerService referrers;

    public ImageInspector(ManifestService manifests, ManifestParser parser, BlobService blobs,
                          ReferrerService referrers) {
        this.manifests = manifests;
        this.parser = parser;
        this.blobs = blobs;
        this.referrers = referrers;
    }

    /** What one manifest holds; {@code platforms} for an index, the rest for an image manifest. */
    public record Inspection(String digest, String mediaType, long size, boolean index, List<Entry> platforms,
                             List<Layer> layers, long layersSize, Config config, String configNote,
                             List<History> history, Map<String, String> annotations, List<Referrer> referrers) {
    }

    /** A manifest an index lists; {@code platform} is os/architecture[/variant], or empty when not given. */
    public record Entry(String platform, String digest, String mediaType, long size) {
    }

    public record Layer(int index, String digest, String mediaType, long size) {
    }

    /** The parts of an image config people look at; absent fields are null or empty. */
    public record Config(String platform, String created, String author, List<String> env, List<String> entrypoint,
                         List<String> cmd, List<String> exposedPorts, String workingDir, String user,
                         Map<String, String> labels) {
    }

    /** A history entry as {@code docker history} shows it; {@code size} is null for an entry without a layer. */
    public record History(String created, String createdBy, Long size, String comment, boolean emptyLayer) {
    }

    public record Referrer(String artifactType, String digest, String mediaType, long size) {
    }

    /** The manifest {@code reference} (tag or digest) of the repository, if it holds it. */
    public Optional<Inspection> inspect(String repository, String reference) {
        ManifestRecord record;
        try {
            record = manifests.get(repository, reference, true);
        } catch (RegistryException e) {
            return Optional.empty(); // unknown manifest or repository, or a malformed reference
        }
        ParsedManifest manifest = parser.parse(record.payload(), record.mediaType());
        Map<String, String> annotations = manifest.annotations() == null ? Map.of() : manifest.annotations();
        List<Referrer> attached = referrers.list(repository, Digest.parse(record.digest()), null, null).items()
                .stream().map(ImageInspector::referrer).toList();
        if (manifest.isIndex()) {
            List<Entry> entries = manifest.manifests().stream().map(d -> new Entry(Platforms.of(d.platform()),
                    d.digest().toString(), d.mediaType(), d.size())).toList();
            return Optional.of(new Inspection(record.digest(), record.mediaType(), record.size(), true, entries,
                    List.of(), 0, null, null, List.of(), annotations, attached));
        }
        List<Layer> layers = new ArrayList<>();
        long total = 0;
        for (Descriptor layer : manifest.layers()) {
            layers.add(new Layer(layers.size(), layer.digest().toString(), layer.mediaType(), layer.size()));
            total += layer.size();
        }
        Config config = null;
        List<History> history = List.of();
        String note = null;
        Descriptor configDescriptor = manifest.config();
        if (configDescriptor == null) {
            note = "This manifest has no config.";
        } else if (configDescriptor.size() > MAX_CONFIG_BYTES) {
            note = "The config is too large to show here.";
        } else if (!Platforms.isImageConfig(configDescriptor.mediaType())) {
            note = "The config is not an image config (" + configDescriptor.mediaType() + ").";
        } else {
            JsonNode json = readConfig(repository, configDescriptor.digest());
            if (json == null || !json.isObject()) {
                note = "The config could not be read as JSON.";
            } else {
                config = config(json);
                history = history(json.path("history"), manifest.layers());
            }
        }
        return Optional.of(new Inspection(record.digest(), record.mediaType(), record.size(), false, List.of(),
                layers, total, config, note, history, annotations, attached));
    }

    private JsonNode readConfig(String repository, Digest digest) {
        byte[] bytes;
        try {
            bytes = blobs.readSmall(repository, digest, MAX_CONFIG_BYTES).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes == null) {
            return null;
        }
        try {
            return JSON.readTree(bytes);
        } catch (RuntimeException e) {
            return null; // not JSON: shown as unreadable
        }
    }

    private static Config config(JsonNode json) {
        JsonNode runtime = json.path("config");
        String platform = Platforms.of(json);
        List<String> ports = new ArrayList<>();
        JsonNode exposed = runtime.path("ExposedPorts");
        if (exposed.isObject()) {
            exposed.propertyNames().forEach(ports::add);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode labelNode = runtime.path("Labels");
        if (labelNode.isObject()) {
            labelNode.properties().forEach(e -> labels.put(e.getKey(), e.getValue().isString()
                    ? e.getValue().asString() : e.getValue().toString()));
        }
        return new Config(platform.isEmpty() ? null : platform, text(json, "created"), text(json, "author"),
                strings(runtime.path("Env")), strings(runtime.path("Entrypoint")), strings(runtime.path("Cmd")),
                ports, text(runtime, "WorkingDir"), text(runtime, "User"), labels);
    }

    /** History, oldest first, each non-empty entry given the size of the next layer of the manifest. */
    private static List<History> history(JsonNode entries, List<Descriptor> layers) {
        if (!entries.isArray()) {
            return List.of();
        }
        List<History> history = new ArrayList<>();
        Iterator<Descriptor> layer = layers.iterator();
        for (JsonNode entry : entries) {
            boolean empty = entry.path("empty_layer").asBoolean(false);
            Long size = empty ? Long.valueOf(0) : layer.hasNext() ? Long.valueOf(layer.next().size()) : null;
            history.add(new History(text(entry, "created"), text(entry, "created_by"), size,
                    text(entry, "comment"), empty));
        }
        return history;
    }

    private static Referrer referrer(ReferrerRecord record) {
        return new Referrer(record.artifactType(), record.digest(), record.mediaType(), record.size());
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode value : node) {
                values.add(value.isString() ? value.asString() : value.toString());
            }
        }
        return values;
    }
}
