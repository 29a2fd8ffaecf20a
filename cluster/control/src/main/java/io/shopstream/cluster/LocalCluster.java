package io.shopstream.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Flink session cluster (one JobManager, N TaskManagers) and a KRaft Kafka broker, each a
 * separate JVM started from Maven-resolved jars, all on 127.0.0.1, tracked by PID files under the
 * cluster's home folder. The pieces, one seam each: {@link ClusterProcesses} (PIDs, start, kill),
 * {@link KafkaBroker}, {@link FlinkProcesses} (configuration, JobManager, TaskManagers), {@link
 * FlinkCli} (the {@code flink} command) and {@link FlinkRest} (the REST API).
 */
public final class LocalCluster {

    private final Path home;
    private final ClusterProcesses processes;
    private final KafkaBroker kafka;
    private final FlinkRest rest;
    private final FlinkProcesses flink;
    private final FlinkCli cli;

    public LocalCluster(Path repo, Path home, int restPort, int kafkaPort) {
        Path root = repo.toAbsolutePath().normalize();
        this.home = home.toAbsolutePath().normalize();
        this.processes = new ClusterProcesses(root, this.home);
        this.kafka = new KafkaBroker(processes, this.home, kafkaPort);
        this.rest = new FlinkRest(restPort);
        this.flink = new FlinkProcesses(processes, rest, root, this.home, restPort, kafka.bootstrapServers());
        this.cli = new FlinkCli(processes, flink, root, this.home);
    }

    /** A cluster in {@code home} on free ports of 127.0.0.1, so that it cannot collide with another one. */
    public static LocalCluster onFreePorts(Path repo, Path home) throws IOException {
        return new LocalCluster(repo, home, LoopbackPorts.free(), LoopbackPorts.freePair());
    }

    /** The repository root: the nearest folder upwards holding {@code flink-conf/config.yaml}. */
    public static Path findRepo() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("flink-conf/config.yaml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("Run this inside the ShopStream repository (no flink-conf/config.yaml found)");
    }

    /**
     * Starts what is not running yet: the broker, the contract's topics ({@code partitions} each),
     * the JobManager and TaskManagers up to {@code taskManagers}; waits until they are registered.
     * Returns the topics it created.
     */
    public List<String> up(int taskManagers, int partitions, Duration timeout) throws Exception {
        kafka.start();
        List<String> created = kafka.createTopics(partitions);
        flink.startJobManager();
        int existing = processes.taskManagers().size();
        for (int i = existing; i < taskManagers; i++) {
            flink.startTaskManager();
        }
        flink.awaitTaskManagers(Math.max(existing, taskManagers), timeout);
        return created;
    }

    public Path home() {
        return home;
    }

    public ClusterProcesses processes() {
        return processes;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public FlinkProcesses flink() {
        return flink;
    }

    public FlinkCli cli() {
        return cli;
    }

    public FlinkRest rest() {
        return rest;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Stops every process of the cluster (TaskManagers, JobManager, Kafka), politely then by force. */
    public void stopAll() throws IOException {
        processes.stopAll();
    }
}
