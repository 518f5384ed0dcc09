package io.stowage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ManifestParserTest {

    private static final String CONFIG = "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
            + "b".repeat(64) + "\",\"size\":7}";
    private static final String LAYER = "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:"
            + "c".repeat(64) + "\",\"size\":100}";

    private final ManifestParser parser = new ManifestParser();

    @Test
    void parsesAnImageManifestWithSubjectAndAnnotations() {
        ParsedManifest manifest = parse("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":%s,"layers":[%s],
                 "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":3},
                 "annotations":{"org.example":"yes"}}""".formatted(CONFIG, LAYER, "d".repeat(64)), null);
        assertThat(manifest.isIndex()).isFalse();
        assertThat(manifest.blobs()).hasSize(2);
        assertThat(manifest.subject().digest().hex()).isEqualTo("d".repeat(64));
        assertThat(manifest.effectiveArtifactType()).isEqualTo("application/vnd.oci.image.config.v1+json");
        assertThat(manifest.annotations()).containsEntry("org.example", "yes");
    }

    @Test
    void takesTheMediaTypeFromContentTypeWhenTheBodyHasNone() {
        ParsedManifest manifest = parse("{\"schemaVersion\":2,\"config\":" + CONFIG + ",\"layers\":[]}",
                "application/vnd.oci.image.manifest.v1+json; charset=utf-8");
        assertThat(manifest.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    }

    @Test
    void anIndexReportsItsOwnArtifactTypeOnly() {
        ParsedManifest index = parse("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"manifests\":[]}", null);
        assertThat(index.isIndex()).isTrue();
        assertThat(index.effectiveArtifactType()).isNull();
    }

    @Test
    void rejectsInvalidManifests() {
        String[] invalid = {
                "not json",
                "[]",
                "{\"schemaVersion\":1,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":" + CONFIG + ",\"layers\":[]}",
                "{\"schemaVersion\":2,\"config\":" + CONFIG + ",\"layers\":[]}",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":" + CONFIG + "}",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":" + CONFIG
                        + ",\"layers\":[{\"mediaType\":\"x/y\",\"digest\":\"sha256:nope\",\"size\":1}]}",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":" + CONFIG
                        + ",\"layers\":[{\"mediaType\":\"x/y\",\"digest\":\"sha256:" + "c".repeat(64) + "\",\"size\":-1}]}",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":" + CONFIG
                        + ",\"layers\":[],\"layers\":[]}",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+prettyjws\"}",
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":{}}",
        };
        for (String body : invalid) {
            assertThatThrownBy(() -> parse(body, null)).as(body)
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID));
        }
    }

    @Test
    void rejectsABodyWhoseMediaTypeContradictsContentType() {
        assertThatThrownBy(() -> parse("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":" + CONFIG + ",\"layers\":[]}", MediaTypes.DOCKER_MANIFEST))
                .isInstanceOf(RegistryException.class);
    }

    private ParsedManifest parse(String json, String contentType) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), contentType);
    }
}
