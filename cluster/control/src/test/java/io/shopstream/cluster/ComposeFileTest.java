package io.shopstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.suite.SuiteJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked offline: it must
 * be valid for docker-compose, use the same flink-conf and job jars as the local cluster, pin its
 * images, publish ports on the host's loopback only, and ship no Grafana password.
 */
class ComposeFileTest {

    private static final String PASSWORD_VARIABLE = "GRAFANA_ADMIN_PASSWORD";

    private final Path repo = LocalCluster.findRepo();

    @Test
    void composeFileIsValid() throws Exception {
        RequiredTool.DOCKER_COMPOSE.require();
        DockerCompose result = dockerComposeConfig("a-test-password");
        assertThat(result.exitCode()).as("docker-compose config -q said: %s", result.output()).isZero();
    }

    @Test
    void composeRefusesToStartWithoutAGrafanaPassword() throws Exception {
        RequiredTool.DOCKER_COMPOSE.require();
        DockerCompose result = dockerComposeConfig(null);
        assertThat(result.exitCode()).as("docker-compose config -q without %s", PASSWORD_VARIABLE).isNotZero();
        assertThat(result.output()).contains(PASSWORD_VARIABLE);
    }

    @Test
    void grafanaHasNoDefaultPasswordAndNoAnonymousAccess() throws Exception {
        Map<String, Object> grafana = service("grafana");
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) grafana.get("environment");
        assertThat(String.valueOf(env.get("GF_SECURITY_ADMIN_PASSWORD")))
                .as("docker-compose.yml: grafana's GF_SECURITY_ADMIN_PASSWORD comes from ${%s:?...}", PASSWORD_VARIABLE)
                .matches("\\$\\{" + PASSWORD_VARIABLE + ":\\?[^}]+}");
        assertThat(String.valueOf(env.getOrDefault("GF_AUTH_ANONYMOUS_ENABLED", "false")))
                .as("docker-compose.yml: grafana's GF_AUTH_ANONYMOUS_ENABLED").isEqualTo("false");
    }

    @Test
    void everyImageIsPinnedToAnExactVersion() throws Exception {
        List<String> images = new ArrayList<>();
        collect(KubernetesManifestsTest.yaml(repo.resolve("docker-compose.yml")), "image", images);
        assertThat(images).as("docker-compose.yml: images").hasSizeGreaterThanOrEqualTo(5);
        for (String image : images) {
            // name:1.2.3 with an optional suffix (-java17) and digest; not latest, not a floating 2.2.
            assertThat(image).as("docker-compose.yml: image %s is pinned to an exact version", image)
                    .matches("[^:@\\s]+:v?[0-9]+\\.[0-9]+\\.[0-9]+(-[\\w.]+)?(@sha256:[0-9a-f]{64})?");
        }
    }

    @Test
    void everyPublishedPortListensOnTheHostsLoopbackOnly() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> services =
                (Map<String, Map<String, Object>>) KubernetesManifestsTest.yaml(repo.resolve("docker-compose.yml")).get("services");
        services.forEach((name, service) -> {
            for (Object port : (List<?>) service.getOrDefault("ports", List.of())) {
                assertThat(String.valueOf(port)).as("docker-compose.yml: service %s publishes %s", name, port)
                        .startsWith("127.0.0.1:");
            }
        });
    }

    @Test
    void composeUsesTheLocalClustersConfigurationAndJobJars() throws Exception {
        String compose = Files.readString(repo.resolve("docker-compose.yml"));
        // The same Flink configuration folder as bin/shopstream-cluster.
        assertThat(compose).contains("./flink-conf:/opt/shopstream/flink-conf:ro");
        assertThat(repo.resolve("flink-conf/config.yaml")).exists();
        assertThat(repo.resolve("flink-conf/log4j-console.properties")).exists();
        // Every job of the suite is submitted from the jar the local cluster submits.
        for (String job : SuiteJobs.names()) {
            assertThat(compose).contains("./jobs/" + job + "/target:/opt/shopstream/jobs/" + job + ":ro");
            assertThat(repo.resolve("jobs").resolve(job).resolve("pom.xml")).exists();
        }
        assertThat(compose).contains("for job in " + String.join(" ", SuiteJobs.names()) + "; do");
        // The mounted monitoring files exist.
        for (String file : new String[] {"monitoring/prometheus.yml", "monitoring/grafana/dashboards/shopstream.json",
                "monitoring/grafana/provisioning/datasources/prometheus.yml"}) {
            assertThat(repo.resolve(file)).exists();
        }
    }

    @Test
    void localConfRewritesOnlyAddressesFoldersAndTheReporter() throws Exception {
        Path home = Files.createTempDirectory("shopstream-conf");
        LocalCluster cluster = new LocalCluster(repo, home, 18081, 19092);
        cluster.flink().writeLocalConf();
        String local = Files.readString(cluster.flink().confDir().resolve("config.yaml"));
        assertThat(local).doesNotContain("0.0.0.0", "file:///opt/flink", "kafka:9092", "address: jobmanager");
        assertThat(local).contains("port: 18081", "bootstrap-servers: 127.0.0.1:19092", home.resolve("data").toUri().toString());
        // Everything else is flink-conf/config.yaml unchanged.
        assertThat(local).contains("type: rocksdb", "incremental: true", "timeout: 10000", "mode: SLOTS");
        // Read as Flink reads it: no Prometheus port on the machine, no job controls in the web UI.
        Map<String, String> conf = GlobalConfiguration.loadConfiguration(cluster.flink().confDir().toString()).toMap();
        assertThat(conf).containsEntry("metrics.reporters", "none")
                .containsEntry("web.submit.enable", "false")
                .containsEntry("web.cancel.enable", "false");
    }

    private record DockerCompose(int exitCode, String output) {}

    /** {@code docker-compose config -q} with the Grafana password set, or unset when null. */
    private DockerCompose dockerComposeConfig(String grafanaPassword) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(RequiredTool.DOCKER_COMPOSE.path().toString(), "-f", repo.resolve("docker-compose.yml").toString(),
                "config", "-q").redirectErrorStream(true);
        pb.environment().remove(PASSWORD_VARIABLE);
        if (grafanaPassword != null) {
            pb.environment().put(PASSWORD_VARIABLE, grafanaPassword);
        }
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new DockerCompose(p.exitValue(), output);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> service(String name) throws Exception {
        Map<String, Object> services = (Map<String, Object>) KubernetesManifestsTest.yaml(repo.resolve("docker-compose.yml")).get("services");
        assertThat(services).as("docker-compose.yml: services").containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    /** Every value of {@code key} anywhere in the document (also in anchors such as x-flink). */
    private static void collect(Object node, String key, List<String> found) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (key.equals(k)) {
                    found.add(String.valueOf(v));
                } else {
                    collect(v, key, found);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collect(item, key, found));
        }
    }
}
