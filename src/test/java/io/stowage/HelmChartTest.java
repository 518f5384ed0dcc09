package io.stowage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import com.zaxxer.hikari.HikariConfig;
import io.stowage.config.StowageProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.tomcat.autoconfigure.TomcatServerProperties;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart in {@code helm/stowage}, linted and rendered by Helm's own library (helm-java) with its default values,
 * with {@code examples/ha-values.yaml} and with variations of them. The rendered manifests are parsed and checked for
 * what a cluster would get: probes on the management port, the restricted security context, the external PostgreSQL
 * and S3 settings in the ConfigMap with every secret behind a Secret reference, the HA objects, the refusal of several
 * pods without shared state, and environment variable names that Stowage really binds.
 */
class HelmChartTest {

    private static final Path CHART = Path.of("helm/stowage");
    private static final Path HA_VALUES = CHART.resolve("examples/ha-values.yaml");
    /** Helm's library assumes Kubernetes 1.20 unless told, which is below the chart's kubeVersion. */
    private static final String KUBE_VERSION = "v1.30.0";
    private static final int MANAGEMENT_PORT = 5001;

    private static final Map<String, Object> EXTERNAL_DB_AND_S3 = Map.of(
            "database.external.host", "pg.example.internal",
            "storage.type", "s3",
            "storage.s3.bucket", "blobs",
            "persistence.enabled", "false",
            "auth.keyEncryption.existingSecret", "signing-kek");
    /** What every rendering with an external database needs besides: the signing keys' key-encryption key. */
    private static final Map<String, Object> KEY_ENCRYPTION = Map.of("auth.keyEncryption.existingSecret", "kek");

    @Test
    void lintsStrictlyWithItsDefaultValues() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void lintsStrictlyWithTheHaValues(@TempDir Path copy) throws IOException {
        // helm lint reads only the chart's own values.yaml, so the HA values are merged into a copy of the chart.
        copyTree(CHART, copy);
        Map<String, Object> values = mergeInto(loadYaml(CHART.resolve("values.yaml")), loadYaml(HA_VALUES));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(copy.resolve("values.yaml"), new Yaml(options).dump(values));

        LintResult result = new Helm(copy).lint().strict().call();

        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void defaultValuesRunOneNodeWithTheEmbeddedPostgresOnAVolume() {
        Manifests manifests = render(Map.of());

        Map<String, Object> deployment = manifests.one("Deployment");
        assertThat(at(deployment, "spec", "replicas")).isEqualTo(1);
        // A ReadWriteOnce volume, and the PostgreSQL cluster on it, must never be used by two pods at once.
        assertThat(at(deployment, "spec", "strategy", "type")).isEqualTo("Recreate");
        assertThat(manifests.one("PersistentVolumeClaim")).isNotNull();
        assertThat(volume(deployment, "data")).containsKey("persistentVolumeClaim");
        assertThat(mountPath(deployment, "data")).isEqualTo("/var/lib/stowage");
        Map<String, Object> config = manifests.configEnvironment();
        assertThat(config).doesNotContainKeys("SPRING_DATASOURCE_URL", "SERVER_FORWARDHEADERSSTRATEGY")
                .containsEntry("STOWAGE_STORAGE_TYPE", "filesystem")
                .containsEntry("STOWAGE_AUTH_MODE", "token");
        assertThat(manifests.kinds()).doesNotContain("HorizontalPodAutoscaler", "PodDisruptionBudget",
                "ServiceMonitor", "Ingress", "Secret");
        assertThat(container(deployment).get("image")).isEqualTo("stowage/stowage:" + chartAppVersion());
    }

    @Test
    void theEmbeddedPostgresNeverRunsTwiceEvenOnASharedVolume() {
        Manifests manifests = render(Map.of("persistence.accessModes[0]", "ReadWriteMany"));

        assertThat(at(manifests.one("Deployment"), "spec", "strategy", "type")).isEqualTo("Recreate");
    }

    @Test
    void metricsAndHealthStayInsideTheClusterWhateverTheServiceType() {
        Manifests manifests = render(Map.of("service.type", "LoadBalancer"));

        for (Map<String, Object> service : manifests.all("Service")) {
            List<Object> ports = maps(service, "spec", "ports").stream().map(port -> port.get("targetPort")).toList();
            if (ports.contains("management")) {
                assertThat(at(service, "spec", "type")).isEqualTo("ClusterIP");
            } else {
                assertThat(at(service, "spec", "type")).isEqualTo("LoadBalancer");
            }
        }
        assertThat(manifests.all("Service")).hasSize(2).filteredOn(service -> maps(service, "spec", "ports").stream()
                .anyMatch(port -> "management".equals(port.get("targetPort")))).hasSize(1);
    }

    @Test
    void noNetworkPolicyUnlessAskedFor() {
        assertThat(render(Map.of()).kinds()).doesNotContain("NetworkPolicy");
        assertThat(renderHa(Map.of()).kinds()).doesNotContain("NetworkPolicy");
    }

    @Test
    void theNetworkPolicyAdmitsOnlyTheListedPeersToTheManagementPort() {
        Manifests manifests = render(Map.of("networkPolicy.enabled", "true",
                "networkPolicy.management.from[0].namespaceSelector.matchLabels.name", "monitoring"));

        Map<String, Object> policy = manifests.one("NetworkPolicy");
        Map<String, Object> deployment = manifests.one("Deployment");
        assertThat(at(policy, "spec", "podSelector", "matchLabels"))
                .isEqualTo(at(deployment, "spec", "selector", "matchLabels"));
        assertThat(at(policy, "spec", "policyTypes")).isEqualTo(List.of("Ingress"));
        Map<String, Map<String, Object>> rules = ingressRulesByPort(policy);
        assertThat(rules).containsOnlyKeys("http", "management");
        // The registry API stays open to its clients; the management port only to the monitoring namespace.
        assertThat(rules.get("http")).doesNotContainKey("from");
        assertThat(rules.get("management").get("from"))
                .isEqualTo(List.of(Map.of("namespaceSelector", Map.of("matchLabels", Map.of("name", "monitoring")))));
        Map<String, Object> container = container(deployment);
        assertThat(containerPort(container, "http")).isEqualTo(5000);
        assertThat(containerPort(container, "management")).isEqualTo(MANAGEMENT_PORT);
    }

    @Test
    void theNetworkPolicyWithoutManagementPeersAdmitsNobodyThereAndMayNarrowTheRegistryToo() {
        Map<String, Object> closed = render(Map.of("networkPolicy.enabled", "true")).one("NetworkPolicy");
        assertThat(ingressRulesByPort(closed)).containsOnlyKeys("http");

        Map<String, Object> narrowed = render(Map.of("networkPolicy.enabled", "true",
                "networkPolicy.registry.from[0].ipBlock.cidr", "10.0.0.0/8")).one("NetworkPolicy");
        assertThat(ingressRulesByPort(narrowed).get("http").get("from"))
                .isEqualTo(List.of(Map.of("ipBlock", Map.of("cidr", "10.0.0.0/8"))));
    }

    @Test
    void aNetworkPolicyThatWouldKeepPrometheusOutIsRefused() {
        assertThatThrownBy(() -> render(Map.of("networkPolicy.enabled", "true",
                "metrics.serviceMonitor.enabled", "true"))).hasMessageContaining("networkPolicy.management.from");
        Manifests scraped = render(Map.of("networkPolicy.enabled", "true", "metrics.serviceMonitor.enabled", "true",
                "networkPolicy.management.from[0].podSelector.matchLabels.app", "prometheus"));
        assertThat(scraped.kinds()).contains("NetworkPolicy", "ServiceMonitor");
    }

    /** The NetworkPolicy's ingress rules by the one port each admits. */
    private static Map<String, Map<String, Object>> ingressRulesByPort(Map<String, Object> policy) {
        Map<String, Map<String, Object>> rules = new TreeMap<>();
        for (Map<String, Object> rule : maps(policy, "spec", "ingress")) {
            List<Map<String, Object>> ports = maps(rule, "ports");
            assertThat(ports).hasSize(1);
            assertThat(ports.getFirst().get("protocol")).isEqualTo("TCP");
            assertThat(rules.put((String) ports.getFirst().get("port"), rule)).isNull();
        }
        return rules;
    }

    @Test
    void probesAskTheManagementPortForLivenessAndReadiness() {
        for (Manifests manifests : List.of(render(Map.of()), renderHa(Map.of()))) {
            Map<String, Object> container = container(manifests.one("Deployment"));
            int managementPort = containerPort(container, "management");
            assertThat(managementPort).isEqualTo(MANAGEMENT_PORT);
            assertThat(containerPort(container, "http")).isEqualTo(5000);

            assertProbe(container, "startupProbe", "/actuator/health/liveness");
            assertProbe(container, "livenessProbe", "/actuator/health/liveness");
            assertProbe(container, "readinessProbe", "/actuator/health/readiness");
            // The JVM, the embedded PostgreSQL's initdb and Flyway get minutes, not the liveness probe's seconds.
            Map<String, Object> startup = map(container, "startupProbe");
            assertThat((Integer) startup.get("periodSeconds") * (Integer) startup.get("failureThreshold"))
                    .isGreaterThanOrEqualTo(120);
        }
    }

    @Test
    void podsRunAsTheImagesUserWithARestrictedSecurityContext() {
        for (Manifests manifests : List.of(render(Map.of()), renderHa(Map.of()))) {
            Map<String, Object> pod = map(manifests.one("Deployment"), "spec", "template", "spec");
            assertThat(map(pod, "securityContext")).containsEntry("runAsNonRoot", true)
                    .containsEntry("runAsUser", 10001).containsEntry("runAsGroup", 10001)
                    .containsEntry("fsGroup", 10001);
            assertThat(at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
            assertThat(pod.get("automountServiceAccountToken")).isEqualTo(false);

            Map<String, Object> container = container(manifests.one("Deployment"));
            Map<String, Object> security = map(container, "securityContext");
            assertThat(security).containsEntry("allowPrivilegeEscalation", false)
                    .containsEntry("readOnlyRootFilesystem", true).containsEntry("runAsNonRoot", true);
            assertThat(at(security, "capabilities", "drop")).isEqualTo(List.of("ALL"));
            // The root filesystem is read-only: /tmp and the data directory are volumes.
            assertThat(volume(manifests.one("Deployment"), "tmp")).containsKey("emptyDir");
            assertThat(mountPath(manifests.one("Deployment"), "tmp")).isEqualTo("/tmp");
            assertThat(mountPath(manifests.one("Deployment"), "data")).isEqualTo("/var/lib/stowage");

            // Graceful termination: the preStop sleep and Stowage's 30 s shutdown phase fit in the grace period.
            List<Object> preStop = castList(at(container, "lifecycle", "preStop", "exec", "command"));
            int sleep = Integer.parseInt((String) preStop.get(1));
            assertThat(preStop.getFirst()).isEqualTo("sleep");
            assertThat((Integer) pod.get("terminationGracePeriodSeconds")).isGreaterThan(sleep + 30);
        }
    }

    @Test
    void haValuesRunThreeToTenPodsOverExternalPostgresAndS3() {
        Manifests manifests = renderHa(Map.of());

        Map<String, Object> deployment = manifests.one("Deployment");
        // The HPA owns the pod count; a replicas field would fight it at every upgrade.
        assertThat(map(deployment, "spec")).doesNotContainKey("replicas");
        assertThat(at(deployment, "spec", "strategy", "type")).isEqualTo("RollingUpdate");
        assertThat(volume(deployment, "data")).containsKey("emptyDir");
        assertThat(manifests.kinds()).doesNotContain("PersistentVolumeClaim");

        Map<String, Object> hpa = manifests.one("HorizontalPodAutoscaler");
        assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(at(hpa, "spec", "minReplicas")).isEqualTo(3);
        assertThat(at(hpa, "spec", "maxReplicas")).isEqualTo(10);
        assertThat(at(hpa, "spec", "scaleTargetRef", "name")).isEqualTo(at(deployment, "metadata", "name"));

        Map<String, Object> pdb = manifests.one("PodDisruptionBudget");
        assertThat(pdb.get("apiVersion")).isEqualTo("policy/v1");
        assertThat(at(pdb, "spec", "maxUnavailable")).isEqualTo(1);
        assertThat(at(pdb, "spec", "selector", "matchLabels"))
                .isEqualTo(at(deployment, "spec", "selector", "matchLabels"));

        Map<String, Object> monitor = manifests.one("ServiceMonitor");
        assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        Map<String, Object> endpoint = maps(monitor, "spec", "endpoints").getFirst();
        assertThat(endpoint).containsEntry("port", "management").containsEntry("path", "/actuator/prometheus");
        // It finds the management Service, and only that one: the registry's Service does not carry the metrics port.
        Map<String, Object> selector = map(monitor, "spec", "selector", "matchLabels");
        List<Map<String, Object>> services = manifests.all("Service");
        List<Map<String, Object>> selected = services.stream()
                .filter(service -> map(service, "metadata", "labels").entrySet().containsAll(selector.entrySet()))
                .toList();
        assertThat(selected).hasSize(1);
        assertThat(maps(selected.getFirst(), "spec", "ports")).singleElement().satisfies(port -> assertThat(port)
                .containsEntry("name", "management").containsEntry("targetPort", "management"));
        assertThat(at(selected.getFirst(), "spec", "type")).isEqualTo("ClusterIP");
        assertThat(at(selected.getFirst(), "spec", "selector")).isEqualTo(at(deployment, "spec", "selector", "matchLabels"));

        Map<String, Object> ingress = manifests.one("Ingress");
        assertThat(map(ingress, "metadata", "annotations"))
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "0")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-request-buffering", "off");
        List<Map<String, Object>> rules = maps(ingress, "spec", "rules");
        Map<String, Object> path = maps(rules.getFirst(), "http", "paths").getFirst();
        assertThat(at(path, "backend", "service", "port", "name")).isEqualTo("http");

        Map<String, Object> config = manifests.configEnvironment();
        assertThat(config)
                .containsEntry("SPRING_DATASOURCE_URL",
                        "jdbc:postgresql://stowage-db-rw.databases.svc:5432/stowage?sslmode=require")
                .containsEntry("STOWAGE_STORAGE_TYPE", "s3")
                .containsEntry("STOWAGE_STORAGE_S3_BUCKET", "stowage-blobs")
                .containsEntry("STOWAGE_STORAGE_S3_REGION", "eu-west-1")
                // Behind the ingress the token realm must name the public address.
                .containsEntry("SERVER_FORWARDHEADERSSTRATEGY", "native");
        // No S3 keys: the AWS SDK's default chain (IRSA here) supplies credentials.
        assertThat(envNames(deployment)).doesNotContain("STOWAGE_STORAGE_S3_ACCESSKEY", "STOWAGE_STORAGE_S3_SECRETKEY");
        assertThat(secretRef(deployment, "SPRING_DATASOURCE_USERNAME")).isEqualTo(Map.of("name", "stowage-db", "key", "username"));
        assertThat(secretRef(deployment, "SPRING_DATASOURCE_PASSWORD")).isEqualTo(Map.of("name", "stowage-db", "key", "password"));
        assertThat(secretRef(deployment, "STOWAGE_AUTH_ADMIN_PASSWORD")).isEqualTo(Map.of("name", "stowage-admin", "key", "password"));
        assertThat(manifests.kinds()).doesNotContain("Secret");

        // The chart puts a selector on spread constraints that have none, so they count this release's pods.
        List<Map<String, Object>> spread = maps(deployment, "spec", "template", "spec", "topologySpreadConstraints");
        assertThat(spread).hasSize(2).allSatisfy(constraint -> assertThat(at(constraint, "labelSelector", "matchLabels"))
                .isEqualTo(at(deployment, "spec", "selector", "matchLabels")));
    }

    @Test
    void haValuesWithoutAutoscalingRunThreeReplicas() {
        Manifests manifests = renderHa(Map.of("autoscaling.enabled", "false"));

        assertThat(at(manifests.one("Deployment"), "spec", "replicas")).isEqualTo(3);
        assertThat(manifests.kinds()).doesNotContain("HorizontalPodAutoscaler").contains("PodDisruptionBudget");
    }

    @Test
    void secretsGivenAsValuesLiveInTheChartsSecretAndNeverInTheDeployment() {
        Map<String, Object> values = new LinkedHashMap<>(EXTERNAL_DB_AND_S3);
        values.remove("auth.keyEncryption.existingSecret");
        values.putAll(Map.of(
                "database.external.password", "db-pass-4f1c",
                "storage.s3.accessKey", "s3-access-77ab",
                "storage.s3.secretKey", "s3-secret-9d0e",
                "auth.admin.password", "admin-pass-31c2",
                "auth.keyEncryption.key", "a2V5LWVuY3J5cHRpb24ta2V5LTZmMmE="));
        Manifests manifests = render(values);

        Map<String, Object> secret = manifests.one("Secret");
        String name = (String) at(secret, "metadata", "name");
        assertThat(map(secret, "data")).containsOnly(
                Map.entry("database-password", base64("db-pass-4f1c")),
                Map.entry("s3-access-key", base64("s3-access-77ab")),
                Map.entry("s3-secret-key", base64("s3-secret-9d0e")),
                Map.entry("admin-password", base64("admin-pass-31c2")),
                Map.entry("key-encryption-key", base64("a2V5LWVuY3J5cHRpb24ta2V5LTZmMmE=")));
        Map<String, Object> deployment = manifests.one("Deployment");
        assertThat(secretRef(deployment, "SPRING_DATASOURCE_PASSWORD")).isEqualTo(Map.of("name", name, "key", "database-password"));
        assertThat(secretRef(deployment, "STOWAGE_STORAGE_S3_ACCESSKEY")).isEqualTo(Map.of("name", name, "key", "s3-access-key"));
        assertThat(secretRef(deployment, "STOWAGE_STORAGE_S3_SECRETKEY")).isEqualTo(Map.of("name", name, "key", "s3-secret-key"));
        assertThat(secretRef(deployment, "STOWAGE_AUTH_ADMIN_PASSWORD")).isEqualTo(Map.of("name", name, "key", "admin-password"));
        assertThat(secretRef(deployment, "STOWAGE_AUTH_KEYENCRYPTION_KEY"))
                .isEqualTo(Map.of("name", name, "key", "key-encryption-key"));
        assertThat(envNames(deployment)).doesNotHaveDuplicates();
        // A changed secret rolls the pods (the administrator's password is applied at start).
        assertThat(map(deployment, "spec", "template", "metadata", "annotations"))
                .containsKeys("checksum/config", "checksum/secret");

        for (String plain : List.of("db-pass-4f1c", "s3-access-77ab", "s3-secret-9d0e", "admin-pass-31c2",
                "a2V5LWVuY3J5cHRpb24ta2V5LTZmMmE=")) {
            assertThat(manifests.text()).as("the plain secret outside the Secret's base64").doesNotContain(plain);
        }
        assertOnlySecretReferencesIn(deployment);
        assertThat(manifests.configEnvironment()).containsEntry("SPRING_DATASOURCE_URL",
                "jdbc:postgresql://pg.example.internal:5432/stowage").containsEntry("SPRING_DATASOURCE_USERNAME", "stowage");
    }

    @Test
    void existingSecretsAreReferencedWithTheirOwnKeys() {
        Map<String, Object> values = new LinkedHashMap<>(EXTERNAL_DB_AND_S3);
        values.putAll(Map.of(
                "database.external.existingSecret", "pg-app",
                "database.external.existingSecretPasswordKey", "pw",
                "storage.s3.existingSecret", "bucket-keys",
                "storage.s3.existingSecretAccessKeyKey", "AWS_ACCESS_KEY_ID",
                "storage.s3.existingSecretSecretKeyKey", "AWS_SECRET_ACCESS_KEY",
                "auth.admin.existingSecret", "registry-admin",
                "auth.keyEncryption.existingSecretKey", "kek",
                // Ignored: an existing Secret wins over a value.
                "database.external.password", "ignored-3b7d"));
        Manifests manifests = render(values);

        Map<String, Object> deployment = manifests.one("Deployment");
        assertThat(secretRef(deployment, "SPRING_DATASOURCE_PASSWORD")).isEqualTo(Map.of("name", "pg-app", "key", "pw"));
        assertThat(secretRef(deployment, "STOWAGE_STORAGE_S3_ACCESSKEY"))
                .isEqualTo(Map.of("name", "bucket-keys", "key", "AWS_ACCESS_KEY_ID"));
        assertThat(secretRef(deployment, "STOWAGE_STORAGE_S3_SECRETKEY"))
                .isEqualTo(Map.of("name", "bucket-keys", "key", "AWS_SECRET_ACCESS_KEY"));
        assertThat(secretRef(deployment, "STOWAGE_AUTH_ADMIN_PASSWORD"))
                .isEqualTo(Map.of("name", "registry-admin", "key", "password"));
        assertThat(secretRef(deployment, "STOWAGE_AUTH_KEYENCRYPTION_KEY"))
                .isEqualTo(Map.of("name", "signing-kek", "key", "kek"));
        assertThat(manifests.kinds()).doesNotContain("Secret");
        assertThat(manifests.text()).doesNotContain("ignored-3b7d");
        assertOnlySecretReferencesIn(deployment);
    }

    static Stream<Arguments> severalPodsWithoutSharedState() {
        return Stream.of(
                Arguments.of(Map.of("replicaCount", "3"),
                        "replicaCount=3 runs several pods, which needs an external PostgreSQL"),
                Arguments.of(Map.of("autoscaling.enabled", "true"),
                        "autoscaling.enabled=true runs several pods, which needs an external PostgreSQL"),
                Arguments.of(Map.of("replicaCount", "2", "database.external.host", "pg",
                                "auth.keyEncryption.existingSecret", "kek"),
                        "replicaCount=2 runs several pods, which needs shared blob storage: set storage.type=s3"),
                Arguments.of(Map.of("replicaCount", "2", "database.external.host", "pg", "storage.type", "s3",
                                "storage.s3.bucket", "b", "auth.keyEncryption.existingSecret", "kek"),
                        "the data volume is ReadWriteOnce and cannot be mounted by all of them"),
                // Every pod must open the signing keys the others made, and a pod's data volume may not last.
                Arguments.of(Map.of("database.external.host", "pg"),
                        "an external database needs auth.keyEncryption.existingSecret"),
                Arguments.of(Map.of("replicaCount", "2", "database.external.host", "pg", "storage.type", "s3",
                                "storage.s3.bucket", "b", "persistence.enabled", "false"),
                        "an external database needs auth.keyEncryption.existingSecret"));
    }

    @ParameterizedTest
    @MethodSource("severalPodsWithoutSharedState")
    void severalPodsWithoutSharedStateAreRefused(Map<String, Object> values, String message) {
        assertThatThrownBy(() -> render(values)).hasMessageContaining(message);
    }

    @Test
    void severalPodsShareFilesystemBlobsOnAReadWriteManyVolume() {
        Manifests manifests = render(Map.of("replicaCount", "2", "database.external.url", "jdbc:postgresql://pg/reg",
                "persistence.accessModes[0]", "ReadWriteMany", "auth.keyEncryption.existingSecret", "kek"));

        Map<String, Object> deployment = manifests.one("Deployment");
        assertThat(at(deployment, "spec", "replicas")).isEqualTo(2);
        assertThat(at(deployment, "spec", "strategy", "type")).isEqualTo("RollingUpdate");
        assertThat(at(manifests.one("PersistentVolumeClaim"), "spec", "accessModes")).isEqualTo(List.of("ReadWriteMany"));
        assertThat(manifests.configEnvironment()).containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://pg/reg");
        assertThat(manifests.kinds()).contains("PodDisruptionBudget");
    }

    @Test
    void incompleteStorageSettingsAreRefused() {
        assertThatThrownBy(() -> render(Map.of("storage.type", "s3"))).hasMessageContaining("needs storage.s3.bucket");
        assertThatThrownBy(() -> render(Map.of("storage.type", "gcs"))).hasMessageContaining("filesystem or s3");
        assertThatThrownBy(() -> render(Map.of("storage.type", "s3", "storage.s3.bucket", "b",
                "storage.s3.accessKey", "only-half"))).hasMessageContaining("storage.s3.secretKey");
    }

    /**
     * Every environment variable the chart can set names a property Stowage (or Spring Boot, for spring.* and server.*)
     * really binds: a renamed or misspelt property in the chart would otherwise be ignored without a word.
     */
    @Test
    void everyEnvironmentVariableTheChartSetsIsAPropertyStowageBinds() {
        Map<String, Object> everything = new LinkedHashMap<>(EXTERNAL_DB_AND_S3);
        everything.putAll(Map.ofEntries(
                Map.entry("database.external.maxPoolSize", "12"),
                Map.entry("database.external.password", "p"),
                Map.entry("storage.s3.endpoint", "https://minio.example.internal:9000"),
                Map.entry("storage.s3.region", "eu-central-1"),
                Map.entry("storage.s3.pathStyle", "true"),
                Map.entry("storage.s3.redirect", "true"),
                Map.entry("storage.s3.redirectExpiry", "5m"),
                Map.entry("storage.s3.partSize", "16MB"),
                Map.entry("storage.s3.accessKey", "a"),
                Map.entry("storage.s3.secretKey", "s"),
                Map.entry("auth.issuer", "registry.example.com"),
                Map.entry("auth.service", "registry.example.com"),
                Map.entry("auth.tokenLifetime", "10m"),
                Map.entry("auth.refreshTokenLifetime", "7d"),
                Map.entry("auth.publicRepositories", List.of("library/*", "mirror/*")),
                Map.entry("auth.loginBackoff.freeAttempts", "3"),
                Map.entry("auth.loginBackoff.initialDelay", "2s"),
                Map.entry("auth.loginBackoff.maxDelay", "5m"),
                Map.entry("auth.admin.username", "root"),
                Map.entry("auth.admin.password", "x"),
                Map.entry("gc.enabled", "false"),
                Map.entry("gc.interval", "2m"),
                Map.entry("gc.batchSize", "50"),
                Map.entry("gc.reviewDelay", "48h"),
                Map.entry("gc.untagged", "collect"),
                Map.entry("gc.retryDelay", "2m"),
                Map.entry("gc.maxRetryDelay", "12h"),
                Map.entry("uploads.expiry", "12h"),
                Map.entry("uploads.sweepInterval", "5m"),
                Map.entry("uploads.mountWithoutFrom", "false"),
                Map.entry("registry.maxManifestSize", "8MB"),
                Map.entry("registry.deleteEnabled", "false"),
                Map.entry("server.forwardHeadersStrategy", "native"),
                Map.entry("server.internalProxies", "10\\.0\\.0\\.1"),
                Map.entry("javaToolOptions", "-XX:MaxRAMPercentage=60"),
                Map.entry("applicationConfig.logging.level.io\\.stowage", "debug")));
        Map<String, Object> filesystem = new LinkedHashMap<>(Map.of(
                "storage.filesystem.fsync", "false", "database.external.existingSecret", "pg",
                "database.external.existingSecretUsernameKey", "user"));
        filesystem.putAll(KEY_ENCRYPTION);
        List<Manifests> renderings = List.of(render(Map.of()), renderHa(Map.of()), render(everything), render(filesystem));

        Map<String, String> environment = new TreeMap<>();
        for (Manifests manifests : renderings) {
            manifests.configEnvironment().forEach((name, value) -> environment.put(name, String.valueOf(value)));
            // A secret's value is not in the manifests: any string stands for it.
            envNames(manifests.one("Deployment")).forEach(name -> environment.putIfAbsent(name, "from-a-secret"));
        }
        assertThat(environment).containsKeys("STOWAGE_STORAGE_S3_PATHSTYLE", "STOWAGE_GC_REVIEWDELAY",
                "STOWAGE_AUTH_PUBLICREPOSITORIES", "STOWAGE_STORAGE_FILESYSTEM_FSYNC", "STOWAGE_STORAGE_S3_SECRETKEY");

        Set<String> unbound = new TreeSet<>();
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            String name = variable.getKey();
            boolean binds = switch (name.substring(0, name.indexOf('_'))) {
                case "STOWAGE" -> binds(variable, "stowage", StowageProperties.class);
                case "SPRING" -> binds(variable, "spring.datasource", DataSourceProperties.class)
                        || binds(variable, "spring.datasource.hikari", HikariConfig.class)
                        // Read by Spring Boot's config data loader, not bound to a properties class.
                        || name.equals("SPRING_CONFIG_ADDITIONAL_LOCATION");
                case "SERVER" -> binds(variable, "server", ServerProperties.class)
                        || binds(variable, "server.tomcat", TomcatServerProperties.class);
                // The JVM's own variable, read before Spring starts.
                default -> name.equals("JAVA_TOOL_OPTIONS");
            };
            if (!binds) {
                unbound.add(name);
            }
        }
        assertThat(unbound).as("environment variables that bind to no property").isEmpty();

        // All of them at once, with the values the chart renders: nothing left over, and every value converts.
        Map<String, Object> stowage = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("STOWAGE_")) {
                stowage.put(name, value.equals("from-a-secret") ? "secret" : value);
            }
        });
        StowageProperties properties = binder(stowage).bindOrCreate("stowage", Bindable.of(StowageProperties.class),
                new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        assertThat(properties.storage().s3().partSize().toMegabytes()).isEqualTo(16);
        assertThat(properties.auth().publicRepositories()).containsExactly("library/*", "mirror/*");
        assertThat(properties.gc().untagged()).isEqualTo(StowageProperties.UntaggedPolicy.COLLECT);
    }

    /** Whether the one environment variable, alone, sets a property of {@code type} under {@code prefix}. */
    private static boolean binds(Map.Entry<String, String> variable, String prefix, Class<?> type) {
        ConfigurationPropertySource source = ConfigurationPropertySources
                .from(systemEnvironment(Map.of(variable.getKey(), variable.getValue()))).iterator().next();
        Set<ConfigurationPropertyName> found = new TreeSet<>();
        BindHandler recordFound = new AbstractBindHandler() {
            @Override
            public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
                if (source.getConfigurationProperty(name) != null) {
                    found.add(name);
                }
                return super.onSuccess(name, target, context, result);
            }
        };
        new Binder(source).bindOrCreate(prefix, Bindable.of(type), recordFound);
        return !found.isEmpty();
    }

    private static Binder binder(Map<String, ?> environment) {
        return new Binder(ConfigurationPropertySources.from(systemEnvironment(environment)));
    }

    /** Named as the real one, so that Spring maps its variables' names as it does the process environment's. */
    @SuppressWarnings("unchecked")
    private static SystemEnvironmentPropertySource systemEnvironment(Map<String, ?> environment) {
        return new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                (Map<String, Object>) environment);
    }

    private void assertOnlySecretReferencesIn(Map<String, Object> deployment) {
        List<Map<String, Object>> env = container(deployment).get("env") instanceof List<?> list
                ? castList(list) : List.of();
        assertThat(env).allSatisfy(entry -> {
            assertThat(entry).as("%s", entry.get("name")).doesNotContainKey("value");
            assertThat(map(entry, "valueFrom")).as("%s", entry.get("name")).containsOnlyKeys("secretKeyRef");
        });
    }

    private void assertProbe(Map<String, Object> container, String probe, String path) {
        Map<String, Object> httpGet = map(container, probe, "httpGet");
        assertThat(httpGet.get("path")).as(probe).isEqualTo(path);
        Object port = httpGet.get("port");
        assertThat(port instanceof String name ? containerPort(container, name) : port).as(probe).isEqualTo(MANAGEMENT_PORT);
    }

    private Map<String, Object> secretRef(Map<String, Object> deployment, String variable) {
        List<Map<String, Object>> env = castList(container(deployment).get("env"));
        return env.stream().filter(entry -> variable.equals(entry.get("name"))).findFirst()
                .map(entry -> map(entry, "valueFrom", "secretKeyRef"))
                .orElseThrow(() -> new AssertionError(variable + " is not in the container's env"));
    }

    private List<String> envNames(Map<String, Object> deployment) {
        Object env = container(deployment).get("env");
        return env == null ? List.of() : HelmChartTest.<Map<String, Object>>castList(env).stream()
                .map(entry -> (String) entry.get("name")).toList();
    }

    private Map<String, Object> container(Map<String, Object> deployment) {
        List<Map<String, Object>> containers = maps(deployment, "spec", "template", "spec", "containers");
        assertThat(containers).hasSize(1);
        return containers.getFirst();
    }

    private int containerPort(Map<String, Object> container, String name) {
        List<Map<String, Object>> ports = maps(container, "ports");
        return ports.stream().filter(port -> name.equals(port.get("name"))).map(port -> (Integer) port.get("containerPort"))
                .findFirst().orElseThrow(() -> new AssertionError("no container port " + name));
    }

    private Map<String, Object> volume(Map<String, Object> deployment, String name) {
        List<Map<String, Object>> volumes = maps(deployment, "spec", "template", "spec", "volumes");
        return volumes.stream().filter(volume -> name.equals(volume.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private String mountPath(Map<String, Object> deployment, String volume) {
        List<Map<String, Object>> mounts = maps(container(deployment), "volumeMounts");
        return mounts.stream().filter(mount -> volume.equals(mount.get("name"))).map(mount -> (String) mount.get("mountPath"))
                .findFirst().orElseThrow(() -> new AssertionError("volume " + volume + " is not mounted"));
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String chartAppVersion() {
        Map<String, Object> chart = loadYaml(CHART.resolve("Chart.yaml"));
        return String.valueOf(chart.get("appVersion"));
    }

    private static Manifests render(Map<String, Object> values) {
        return render(null, values);
    }

    private static Manifests renderHa(Map<String, Object> values) {
        return render(HA_VALUES, values);
    }

    private static Manifests render(Path valuesFile, Map<String, Object> values) {
        TemplateCommand template = new Helm(CHART).template().withName("registry").withNamespace("stowage")
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, Object> value : values.entrySet()) {
            // helm-java escapes the commas of --set's {a,b} list syntax: lists are set element by element.
            if (value.getValue() instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    template = template.set(value.getKey() + "[" + i + "]", list.get(i));
                }
            } else {
                template = template.set(value.getKey(), value.getValue());
            }
        }
        return new Manifests(template.call());
    }

    /** The documents of one rendering, by kind. */
    private record Manifests(String text, List<Map<String, Object>> documents) {

        Manifests(String text) {
            this(text, parse(text));
        }

        private static List<Map<String, Object>> parse(String text) {
            List<Map<String, Object>> documents = new ArrayList<>();
            for (Object document : new Yaml().loadAll(text)) {
                if (document != null) {
                    documents.add(castMap(document));
                }
            }
            return documents;
        }

        List<String> kinds() {
            return documents.stream().map(document -> (String) document.get("kind")).toList();
        }

        List<Map<String, Object>> all(String kind) {
            return documents.stream().filter(document -> kind.equals(document.get("kind"))).toList();
        }

        /** The only document of a kind, the ConfigMap of environment variables for "ConfigMap". */
        Map<String, Object> one(String kind) {
            List<Map<String, Object>> ofKind = documents.stream().filter(document -> kind.equals(document.get("kind")))
                    .filter(document -> !kind.equals("ConfigMap")
                            || !castMap(document.get("metadata")).get("name").toString().endsWith("-files"))
                    .toList();
            assertThat(ofKind).as("rendered %s", kind).hasSize(1);
            return ofKind.getFirst();
        }

        /** The ConfigMap the container takes its environment from. */
        Map<String, Object> configEnvironment() {
            Map<String, Object> deployment = one("Deployment");
            Map<String, Object> pod = castMap(castMap(castMap(deployment.get("spec")).get("template")).get("spec"));
            Map<String, Object> container = HelmChartTest.<Map<String, Object>>castList(pod.get("containers")).getFirst();
            List<Map<String, Object>> envFrom = castList(container.get("envFrom"));
            String name = (String) castMap(envFrom.getFirst().get("configMapRef")).get("name");
            Map<String, Object> configMap = one("ConfigMap");
            assertThat(castMap(configMap.get("metadata")).get("name")).isEqualTo(name);
            Map<String, Object> data = castMap(configMap.get("data"));
            // ConfigMap data are strings; a bare true or 20 would be refused by the API server.
            assertThat(data.values()).allSatisfy(value -> assertThat(value).isInstanceOf(String.class));
            return data;
        }
    }

    private static Object at(Map<String, Object> map, String... path) {
        Object node = map;
        for (String key : path) {
            assertThat(node).as("%s in %s", key, String.join(".", path)).isInstanceOf(Map.class);
            node = castMap(node).get(key);
        }
        return node;
    }

    private static Map<String, Object> map(Map<String, Object> map, String... path) {
        return castMap(at(map, path));
    }

    private static List<Map<String, Object>> maps(Map<String, Object> map, String... path) {
        return castList(at(map, path));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object node) {
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> castList(Object node) {
        return (List<T>) node;
    }

    private static Map<String, Object> loadYaml(Path file) {
        try {
            return castMap(new Yaml().load(Files.readString(file)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code overrides} merged into {@code base} as Helm merges values files: maps deeply, everything else replaced. */
    private static Map<String, Object> mergeInto(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        overrides.forEach((key, value) -> merged.merge(key, value, (old, given) ->
                old instanceof Map<?, ?> oldMap && given instanceof Map<?, ?> givenMap
                        ? mergeInto(castMap(oldMap), castMap(givenMap)) : given));
        return merged;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
