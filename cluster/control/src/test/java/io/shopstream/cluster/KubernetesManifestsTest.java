package io.shopstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.shopstream.common.config.ConfigException;
import io.shopstream.common.config.JobConfig;
import io.shopstream.suite.SuiteJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * deploy/kubernetes cannot be applied here (no Kubernetes), so it is checked offline: the
 * manifests parse, carry flink-conf/config.yaml's settings, name only documented Flink options and
 * valid ShopStream arguments, and run the jars the Dockerfile puts into a pinned image.
 */
class KubernetesManifestsTest {

    private final Path repo = LocalCluster.findRepo();
    private final Path dir = repo.resolve("deploy/kubernetes");

    /**
     * Options JobConfig does not index because their modules are not on a job's classpath,
     * declared as Flink 2.2.1 declares them: flink-kubernetes (KubernetesConfigOptions; Maven
     * Central does not serve flink-kubernetes 2.2.1 to this build) and flink-clients
     * (ClientOptions, read by the `flink` CLI only).
     */
    private static final Map<String, ConfigOption<?>> OPTIONS_JOBCONFIG_DOES_NOT_INDEX = Map.of(
            "kubernetes.rest-service.exposed.type",
            ConfigOptions.key("kubernetes.rest-service.exposed.type").enumType(ServiceExposedType.class).noDefaultValue(),
            "client.timeout", ConfigOptions.key("client.timeout").durationType().noDefaultValue());

    /** KubernetesConfigOptions.ServiceExposedType's constants that these manifests may use. */
    enum ServiceExposedType { ClusterIP, NodePort, LoadBalancer }

    /** Keys of flink-conf/config.yaml that the manifests leave out, and why. */
    private static final Map<String, String> NOT_IN_KUBERNETES = Map.ofEntries(
            Map.entry("jobmanager.rpc.address", "set by Flink's native Kubernetes integration"),
            Map.entry("jobmanager.rpc.port", "set by Flink's native Kubernetes integration"),
            Map.entry("jobmanager.bind-host", "set by the image's entrypoint"),
            Map.entry("taskmanager.bind-host", "set by the image's entrypoint"),
            Map.entry("rest.address", "set by Flink's native Kubernetes integration (the REST service)"),
            Map.entry("rest.bind-address", "set by the image's entrypoint; reached through a ClusterIP service"),
            Map.entry("jobmanager.memory.process.size", "spec.jobManager.resource.memory (checked below)"),
            Map.entry("taskmanager.memory.process.size", "spec.taskManager.resource.memory (checked below)"),
            Map.entry("env.java.opts.all", "the operator's default configuration sets env.java.default-opts.all for Flink 1.19+"),
            Map.entry("client.timeout", "only the flink CLI reads it"),
            Map.entry("kafka.bootstrap-servers", "a job argument in each manifest (checked below)"));

    /** Keys whose value differs on Kubernetes: pods share no disk, so these are object-store paths. */
    private static final Set<String> OBJECT_STORE_PATHS = Set.of(
            "execution.checkpointing.dir", "execution.checkpointing.savepoint-dir", "high-availability.storageDir");

    @Test
    void everyFlinkKeyOfTheClusterConfigurationIsADocumentedOption() throws Exception {
        Map<String, String> conf = clusterConf();
        for (Map.Entry<String, String> e : conf.entrySet()) {
            if (!e.getKey().startsWith("kafka.")) {
                checkFlinkKey("flink-conf/config.yaml", e.getKey(), e.getValue(), conf);
            }
        }
        JobConfig.fromArgs("enrich", "--kafka.bootstrap-servers", conf.get("kafka.bootstrap-servers"));
    }

    @Test
    void everyJobHasAFlinkDeploymentWithTheClusterConfiguration() throws Exception {
        Map<String, String> cluster = clusterConf();
        String flinkVersion = EnvironmentInformation.getVersion();
        for (String job : SuiteJobs.names()) {
            String file = "deploy/kubernetes/" + job + ".yaml";
            Map<String, Object> manifest = yaml(repo.resolve(file));
            assertThat(manifest.get("apiVersion")).as(file + ": apiVersion").isEqualTo("flink.apache.org/v1beta1");
            assertThat(manifest.get("kind")).as(file + ": kind").isEqualTo("FlinkDeployment");
            assertThat(map(manifest, "metadata", file).get("name")).as(file + ": metadata.name").isEqualTo("shopstream-" + job);
            Map<String, Object> spec = map(manifest, "spec", file);
            // The operator's name for the Flink version the jobs are built against (2.2.1 -> v2_2).
            String[] v = flinkVersion.split("\\.");
            assertThat(spec.get("flinkVersion")).as(file + ": spec.flinkVersion").isEqualTo("v" + v[0] + "_" + v[1]);
            assertThat(String.valueOf(spec.get("image"))).as(file + ": spec.image is pinned").matches(".+:[^:/]*[0-9][^:/]*")
                    .doesNotEndWith(":latest");

            Map<String, String> flink = new LinkedHashMap<>();
            map(spec, "flinkConfiguration", file).forEach((k, val) -> flink.put(k, String.valueOf(val)));
            for (Map.Entry<String, String> e : flink.entrySet()) {
                checkFlinkKey(file, e.getKey(), e.getValue(), flink);
            }
            for (Map.Entry<String, String> e : cluster.entrySet()) {
                String key = e.getKey();
                if (NOT_IN_KUBERNETES.containsKey(key)) {
                    assertThat(flink).as(file + ": flinkConfiguration key '%s' (%s)", key, NOT_IN_KUBERNETES.get(key))
                            .doesNotContainKey(key);
                } else if (OBJECT_STORE_PATHS.contains(key)) {
                    assertThat(flink.get(key)).as(file + ": flinkConfiguration key '%s' must be shared storage", key)
                            .isNotNull().doesNotStartWith("file:");
                } else {
                    assertThat(flink.get(key)).as(file + ": flinkConfiguration key '%s' must be as in flink-conf/config.yaml", key)
                            .isEqualTo(e.getValue());
                }
            }
            assertThat(flink.get("high-availability.type")).as(file + ": flinkConfiguration key 'high-availability.type'")
                    .isEqualTo("kubernetes");
            assertThat(flink.get("high-availability.storageDir")).as(file + ": flinkConfiguration key 'high-availability.storageDir'")
                    .isNotNull().doesNotStartWith("file:");
            assertThat(flink.get("kubernetes.rest-service.exposed.type"))
                    .as(file + ": flinkConfiguration key 'kubernetes.rest-service.exposed.type' keeps REST inside the cluster")
                    .isEqualTo("ClusterIP");
            assertThat(map(map(spec, "jobManager", file), "resource", file).get("memory"))
                    .as(file + ": spec.jobManager.resource.memory = jobmanager.memory.process.size")
                    .isEqualTo(cluster.get("jobmanager.memory.process.size"));
            assertThat(map(map(spec, "taskManager", file), "resource", file).get("memory"))
                    .as(file + ": spec.taskManager.resource.memory = taskmanager.memory.process.size")
                    .isEqualTo(cluster.get("taskmanager.memory.process.size"));

            Map<String, Object> jobSpec = map(spec, "job", file);
            assertThat(jobSpec.get("upgradeMode")).as(file + ": spec.job.upgradeMode").isEqualTo("savepoint");
            assertThat(jobSpec.get("jarURI")).as(file + ": spec.job.jarURI")
                    .isEqualTo("local://" + imageJarPath(job));
            assertThat(jobSpec.get("entryClass")).as(file + ": spec.job.entryClass = job.main.class of jobs/%s/pom.xml", job)
                    .isEqualTo(mainClass(job));
            List<String> args = new ArrayList<>();
            ((List<?>) jobSpec.get("args")).forEach(a -> args.add(String.valueOf(a)));
            try {
                SuiteJobs.named(job).config(args.toArray(String[]::new));
            } catch (ConfigException e) {
                fail(file + ": spec.job.args: " + e.getMessage());
            }
            assertThat(args).as(file + ": spec.job.args name the Kafka brokers").contains("--kafka.bootstrap-servers");
        }
    }

    @Test
    void dockerfileIsPinnedAndHoldsEveryJobJar() throws Exception {
        String dockerfile = Files.readString(dir.resolve("Dockerfile"));
        Matcher from = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(dockerfile);
        assertThat(from.find()).as("deploy/kubernetes/Dockerfile: a FROM line").isTrue();
        String image = from.group(1);
        // An exact version tag (never latest or a floating 2.2), optionally with a digest.
        assertThat(image).as("deploy/kubernetes/Dockerfile: FROM %s", image)
                .matches("flink:" + Pattern.quote(EnvironmentInformation.getVersion()) + "-java17(@sha256:[0-9a-f]{64})?");
        assertThat(from.find()).as("deploy/kubernetes/Dockerfile: one FROM line").isFalse();
        for (String job : SuiteJobs.names()) {
            assertThat(dockerfile).as("deploy/kubernetes/Dockerfile: COPY of %s's job jar", job).containsPattern(
                    "(?m)^COPY .*jobs/" + job + "/target/shopstream-" + job + "-\\$\\{SHOPSTREAM_VERSION}-job\\.jar "
                            + Pattern.quote(imageJarPath(job)) + "$");
        }
    }

    /**
     * Checks one Flink key and its value: with JobConfig's -D parser (Flink's documented options),
     * else against the options it does not index, else as a named metrics reporter's setting.
     */
    private static void checkFlinkKey(String file, String key, String value, Map<String, String> all) {
        try {
            JobConfig.fromArgs("enrich", "-D" + key + "=" + value);
            return;
        } catch (ConfigException e) {
            if (!e.getMessage().startsWith("Unknown Flink option")) {
                fail(file + ": key '" + key + "': " + e.getMessage());
            }
        }
        ConfigOption<?> option = OPTIONS_JOBCONFIG_DOES_NOT_INDEX.get(key);
        if (option != null) {
            Configuration probe = new Configuration();
            probe.setString(key, value);
            try {
                probe.get(option);
            } catch (IllegalArgumentException e) {
                fail(file + ": key '" + key + "': invalid value '" + value + "'");
            }
            return;
        }
        // metrics.reporter.<name>.<setting>: per-reporter settings, not ConfigOptions of their own.
        Matcher reporter = Pattern.compile("metrics\\.reporter\\.([^.]+)\\.(factory\\.class|port)").matcher(key);
        if (reporter.matches()) {
            assertThat(List.of(all.getOrDefault("metrics.reporters", "").split("\\s*,\\s*")))
                    .as(file + ": key '%s' belongs to a reporter listed in metrics.reporters", key)
                    .contains(reporter.group(1));
            return;
        }
        fail(file + ": key '" + key + "' is not a documented Flink option");
    }

    /** flink-conf/config.yaml flattened the way Flink reads it. */
    private Map<String, String> clusterConf() {
        return GlobalConfiguration.loadConfiguration(repo.resolve("flink-conf").toString()).toMap();
    }

    private String mainClass(String job) throws Exception {
        Matcher m = Pattern.compile("<job\\.main\\.class>([^<]+)</job\\.main\\.class>")
                .matcher(Files.readString(repo.resolve("jobs").resolve(job).resolve("pom.xml")));
        assertThat(m.find()).as("jobs/%s/pom.xml: job.main.class", job).isTrue();
        return m.group(1);
    }

    private static String imageJarPath(String job) {
        return "/opt/shopstream/jobs/shopstream-" + job + ".jar";
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) throws Exception {
        Object doc = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(Files.readString(file));
        assertThat(doc).as("%s: one YAML mapping", file).isInstanceOf(Map.class);
        return (Map<String, Object>) doc;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key, String file) {
        Object value = parent.get(key);
        assertThat(value).as("%s: '%s' is a mapping", file, key).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }
}
