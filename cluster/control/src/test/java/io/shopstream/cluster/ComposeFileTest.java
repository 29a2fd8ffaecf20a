package io.shopstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked offline: it must
 * be valid for docker-compose, and use the same flink-conf and job jars as the local cluster.
 */
class ComposeFileTest {

    private final Path repo = LocalCluster.findRepo();

    @Test
    void composeFileIsValid() throws Exception {
        Path binary = Path.of("/usr/bin/docker-compose");
        if (!Files.isExecutable(binary)) {
            // .ci/run installs Debian's docker-compose; without it only the checks below run.
            System.out.println("docker-compose not installed: skipping `docker-compose config -q`");
            return;
        }
        Process p = new ProcessBuilder(binary.toString(), "-f", repo.resolve("docker-compose.yml").toString(), "config", "-q")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("docker-compose config -q said: %s", output).isZero();
    }

    @Test
    void composeUsesTheLocalClustersConfigurationAndJobJars() throws Exception {
        String compose = Files.readString(repo.resolve("docker-compose.yml"));
        // The same Flink configuration folder as bin/shopstream-cluster.
        assertThat(compose).contains("./flink-conf:/opt/shopstream/flink-conf:ro");
        assertThat(repo.resolve("flink-conf/config.yaml")).exists();
        assertThat(repo.resolve("flink-conf/log4j-console.properties")).exists();
        // Every job of the suite is submitted from the jar the local cluster submits.
        for (String job : ClusterCli.JOBS) {
            assertThat(compose).contains("./jobs/" + job + "/target:/opt/shopstream/jobs/" + job + ":ro");
            assertThat(repo.resolve("jobs").resolve(job).resolve("pom.xml")).exists();
        }
        assertThat(compose).contains("for job in " + String.join(" ", ClusterCli.JOBS) + "; do");
        // Pinned images, no "latest".
        Matcher images = Pattern.compile("image: (\\S+)").matcher(compose);
        int count = 0;
        while (images.find()) {
            count++;
            assertThat(images.group(1)).matches(".+:v?[0-9][^:]*").doesNotEndWith(":latest");
        }
        assertThat(count).isGreaterThanOrEqualTo(5);
        // The mounted monitoring files exist.
        for (String file : new String[] {"monitoring/prometheus.yml", "monitoring/grafana/dashboards/shopstream.json",
                "monitoring/grafana/provisioning/datasources/prometheus.yml"}) {
            assertThat(repo.resolve(file)).exists();
        }
    }

    @Test
    void localConfRewritesOnlyAddressesAndFolders() throws Exception {
        Path home = Files.createTempDirectory("shopstream-conf");
        LocalCluster cluster = new LocalCluster(repo, home, 18081, 19092);
        cluster.writeLocalConf();
        String local = Files.readString(cluster.confDir().resolve("config.yaml"));
        assertThat(local).doesNotContain("0.0.0.0", "file:///opt/flink", "kafka:9092", "address: jobmanager");
        assertThat(local).contains("port: 18081", "bootstrap-servers: 127.0.0.1:19092", home.resolve("data").toUri().toString());
        // Everything else is flink-conf/config.yaml unchanged.
        assertThat(local).contains("type: rocksdb", "incremental: true", "timeout: 10000", "mode: SLOTS");
    }
}
