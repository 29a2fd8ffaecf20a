package io.shopstream.cluster;

import io.shopstream.common.Await;
import io.shopstream.common.config.ShopOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;

/** The cluster's Kafka: one combined KRaft broker and controller on 127.0.0.1:port (controller on port + 1). */
public final class KafkaBroker {

    private final ClusterProcesses processes;
    private final Path dir;
    private final int port;

    KafkaBroker(ClusterProcesses processes, Path home, int port) {
        this.processes = processes;
        this.dir = home.resolve("kafka");
        this.port = port;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Formats the storage (first start only) and starts the broker; waits until it answers. */
    public void start() throws IOException, InterruptedException {
        if (processes.isAlive(ClusterProcesses.KAFKA)) {
            return;
        }
        Path data = dir.resolve("data");
        Files.createDirectories(dir);
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "# Written by ShopStream's local cluster: one combined KRaft broker/controller on 127.0.0.1.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + (port + 1),
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + (port + 1),
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=4",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                ""));
        String classpath = processes.classpath("kafka");
        String java = ClusterProcesses.java();
        if (!Files.exists(data.resolve("meta.properties"))) {
            ClusterProcesses.run(List.of(java, "-cp", classpath, "kafka.tools.StorageTool",
                    "format", "-t", Uuid.randomUuid().toString(), "-c", props.toString()), dir.resolve("format.log"),
                    Duration.ofSeconds(60));
        }
        Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                "rootLogger.level=INFO", "rootLogger.appenderRef.f.ref=F",
                "appender.f.type=File", "appender.f.name=F", "appender.f.fileName=" + dir.resolve("kafka.log"),
                "appender.f.layout.type=PatternLayout", "appender.f.layout.pattern=%d %-5p %c{1} - %m%n", ""));
        processes.start(ClusterProcesses.KAFKA, List.of(java, "-Xmx1g", "-Xms256m",
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                "-cp", classpath, "kafka.Kafka", props.toString()));
        Await.until(this::answers, Duration.ofSeconds(60), "Kafka broker on " + bootstrapServers());
    }

    private boolean answers() {
        Properties p = new Properties();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = admin(p)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    public Admin admin() {
        return admin(new Properties());
    }

    private Admin admin(Properties p) {
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(p);
    }

    /**
     * Creates the contract's topics (every {@code topics.*} option's default) with {@code
     * partitions} partitions and the contract's cleanup policies; existing ones are left alone.
     * Returns the names of those created.
     */
    public List<String> createTopics(int partitions) throws Exception {
        Set<String> compacted = Set.of(ShopOptions.TOPIC_PRODUCTS.defaultValue(), ShopOptions.TOPIC_CUSTOMERS.defaultValue(),
                ShopOptions.TOPIC_CATEGORY_STATS.defaultValue());
        try (Admin admin = admin()) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> create = new ArrayList<>();
            for (var option : ShopOptions.ALL) {
                if (!option.key().startsWith("topics.")) {
                    continue;
                }
                String topic = (String) option.defaultValue();
                if (existing.contains(topic)) {
                    continue;
                }
                NewTopic t = new NewTopic(topic, partitions, (short) 1);
                if (compacted.contains(topic)) {
                    t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                }
                create.add(t);
            }
            if (!create.isEmpty()) {
                admin.createTopics(create).all().get(60, TimeUnit.SECONDS);
            }
            return create.stream().map(NewTopic::name).toList();
        }
    }
}
