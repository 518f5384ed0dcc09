package io.stowage.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses and validates a pushed manifest (OCI image manifest or index, Docker v2 schema 2 manifest or
 * manifest list) into a {@link ParsedManifest}. Every problem is {@code MANIFEST_INVALID}.
 */
@Component
public class ManifestParser {

    // Duplicate keys would let two parsers read two different manifests out of the same bytes.
    private final JsonMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * @param payload the bytes as pushed
     * @param contentType the request's Content-Type, used when the manifest has no {@code mediaType}
     */
    public ParsedManifest parse(byte[] payload, String contentType) {
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (JacksonException e) {
            throw invalid("manifest is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("manifest must be a JSON object");
        }
        JsonNode schemaVersion = root.get("schemaVersion");
        if (schemaVersion == null || !schemaVersion.isIntegralNumber() || !schemaVersion.canConvertToLong()
                || schemaVersion.longValue() != 2) {
            throw invalid("schemaVersion must be 2");
        }
        String mediaType = mediaType(root, contentType);
        String artifactType = optionalString(root, "artifactType");
        if (artifactType != null && !MediaTypes.isValid(artifactType)) {
            throw invalid("artifactType is not a valid media type: " + artifactType);
        }
        Descriptor subject = root.has("subject") && !root.get("subject").isNull()
                ? descriptor(root.get("subject"), "subject") : null;
        Map<String, String> annotations = annotations(root.get("annotations"), "annotations");

        if (MediaTypes.INDEXES.contains(mediaType)) {
            if (root.has("config") || root.has("layers")) {
                throw invalid("an index has no config or layers");
            }
            List<Descriptor> manifests = descriptors(root.get("manifests"), "manifests", true);
            return new ParsedManifest(mediaType, null, List.of(), manifests, subject, artifactType, annotations);
        }
        if (root.has("manifests")) {
            throw invalid("an image manifest has no manifests list");
        }
        JsonNode configNode = root.get("config");
        if (configNode == null || configNode.isNull()) {
            throw invalid("config is required");
        }
        Descriptor config = descriptor(configNode, "config");
        List<Descriptor> layers = descriptors(root.get("layers"), "layers", true);
        return new ParsedManifest(mediaType, config, layers, List.of(), subject, artifactType, annotations);
    }

    private String mediaType(JsonNode root, String contentType) {
        String declared = optionalString(root, "mediaType");
        String header = MediaTypes.withoutParameters(contentType);
        String mediaType;
        if (declared != null) {
            if (header != null && MediaTypes.isManifest(header) && !header.equals(declared)) {
                throw invalid("mediaType " + declared + " does not match Content-Type " + header);
            }
            mediaType = declared;
        } else if (header != null && MediaTypes.isManifest(header)) {
            mediaType = header;
        } else {
            throw invalid("manifest has no mediaType and Content-Type names no manifest type");
        }
        if (!MediaTypes.isManifest(mediaType)) {
            throw invalid("unsupported manifest media type: " + mediaType);
        }
        return mediaType;
    }

    private List<Descriptor> descriptors(JsonNode node, String field, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                throw invalid(field + " is required");
            }
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(field + " must be an array");
        }
        List<Descriptor> result = new ArrayList<>(node.size());
        int i = 0;
        for (JsonNode element : node) {
            result.add(descriptor(element, field + "[" + i++ + "]"));
        }
        return result;
    }

    private Descriptor descriptor(JsonNode node, String where) {
        if (!node.isObject()) {
            throw invalid(where + " must be a descriptor object");
        }
        String mediaType = optionalString(node, "mediaType", where);
        if (!MediaTypes.isValid(mediaType)) {
            throw invalid(where + ".mediaType is missing or not a valid media type");
        }
        String digestText = optionalString(node, "digest", where);
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (RegistryException e) {
            throw invalid(where + ".digest: " + e.getMessage());
        }
        JsonNode size = node.get("size");
        if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
            throw invalid(where + ".size must be a non-negative integer");
        }
        String artifactType = optionalString(node, "artifactType", where);
        List<String> urls = null;
        JsonNode urlsNode = node.get("urls");
        if (urlsNode != null && !urlsNode.isNull()) {
            if (!urlsNode.isArray()) {
                throw invalid(where + ".urls must be an array of strings");
            }
            urls = new ArrayList<>();
            for (JsonNode url : urlsNode) {
                if (!url.isString()) {
                    throw invalid(where + ".urls must be an array of strings");
                }
                urls.add(url.stringValue());
            }
        }
        Descriptor.Platform platform = null;
        JsonNode platformNode = node.get("platform");
        if (platformNode != null && !platformNode.isNull()) {
            if (!platformNode.isObject()) {
                throw invalid(where + ".platform must be an object");
            }
            platform = new Descriptor.Platform(
                    optionalString(platformNode, "os", where + ".platform"),
                    optionalString(platformNode, "architecture", where + ".platform"),
                    optionalString(platformNode, "variant", where + ".platform"));
        }
        return new Descriptor(mediaType, digest, size.longValue(), artifactType, urls,
                annotations(node.get("annotations"), where + ".annotations"), platform);
    }

    private Map<String, String> annotations(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid(where + " must be an object of strings");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isString()) {
                throw invalid(where + "." + entry.getKey() + " must be a string");
            }
            result.put(entry.getKey(), entry.getValue().stringValue());
        }
        return result;
    }

    private static String optionalString(JsonNode node, String field) {
        return optionalString(node, field, null);
    }

    private static String optionalString(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw invalid((where == null ? "" : where + ".") + field + " must be a string");
        }
        return value.stringValue();
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.MANIFEST_INVALID, message);
    }
}
