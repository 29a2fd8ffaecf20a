package io.shopstream.bench.cluster;

import io.shopstream.cluster.FlinkProcesses;
import io.shopstream.cluster.FlinkRest;
import io.shopstream.cluster.InputFeed;
import io.shopstream.cluster.LocalCluster;
import io.shopstream.common.Await;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.kafka.ProducerSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * What every cluster-bench scenario starts from: a fresh local cluster (a Kafka broker, a
 * JobManager and {@value ClusterBenchOptions#TASK_MANAGERS} TaskManagers, each its own process),
 * enrich submitted with {@code flink run}, its reference data loaded and read, and a
 * read_committed reader stamping every enriched record in the {@link Timeline} as it becomes
 * visible. {@link #close} stops every process.
 */
final class BenchCluster implements AutoCloseable {

    static final PrintStream OUT = System.out;

    final ClusterBenchOptions options;
    final Duration minPause;
    final FeedData data;
    final Timeline timeline;
    final LocalCluster cluster;
    final JobConfig config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-progress");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean stopWatching = new AtomicBoolean();
    private volatile String phase = "start";
    private String jobId;
    /** When {@code flink run} was started, and when every subtask of enrich was RUNNING ({@link System#nanoTime()}). */
    private long submittedAt;
    private long runningAt;
    private Thread watcher;

    private BenchCluster(ClusterBenchOptions options, Duration minPause, FeedData data, LocalCluster cluster) {
        this.options = options;
        this.minPause = minPause;
        this.data = data;
        this.timeline = new Timeline(data.eventIds());
        this.cluster = cluster;
        this.config = JobConfig.fromArgs("cluster-bench", "--kafka.bootstrap-servers", cluster.bootstrapServers());
        this.producer = new KafkaProducer<>(ProducerSettings.idempotent(cluster.bootstrapServers()));
    }

    /** Generates the data, starts the cluster and enrich, loads the reference data and starts the output reader. */
    static BenchCluster start(ClusterBenchOptions o) throws Exception {
        Path repo = LocalCluster.findRepo();
        Duration minPause = minPause(repo, o.checkpointInterval());
        // The data first: a bad setting fails before any process starts.
        FeedData data = FeedData.generate(o.events(), o.rate());
        OUT.printf("Generated %,d events for %,d customers and %,d products (reference data complete, no duplicates,"
                + " no malformed records)%n", data.events().size(), FeedData.CUSTOMERS, FeedData.PRODUCTS);
        LocalCluster cluster = LocalCluster.onFreePorts(repo, o.home());
        cluster.flink().requireFreeRpcPort();
        freshHome(repo, o.home());
        BenchCluster bench = new BenchCluster(o, minPause, data, cluster);
        try {
            bench.startEnrich();
            return bench;
        } catch (Exception e) {
            bench.close();
            throw e;
        }
    }

    private void startEnrich() throws Exception {
        long t0 = System.nanoTime();
        phase("start", "Kafka, JobManager and " + ClusterBenchOptions.TASK_MANAGERS + " TaskManagers in " + options.home());
        cluster.up(ClusterBenchOptions.TASK_MANAGERS, 4, Duration.ofSeconds(180));
        OUT.printf("  cluster up in %.0f s; web UI %s%n", (System.nanoTime() - t0) / 1e9, cluster.rest().url());

        phase("submit", "enrich with flink run -p " + options.parallelism() + ", checkpoint interval "
                + TimeUtils.formatWithHighestUnit(options.checkpointInterval()) + ", min pause "
                + TimeUtils.formatWithHighestUnit(minPause));
        submittedAt = System.nanoTime();
        jobId = cluster.cli().submit("enrich", List.of("-p", String.valueOf(options.parallelism())), List.of(
                "-Dexecution.checkpointing.interval=" + options.checkpointInterval().toMillis() + "ms",
                "-Dexecution.checkpointing.min-pause=" + minPause.toMillis() + "ms"));
        runningAt = Await.until(() -> cluster.rest().allTasksRunning(jobId), Duration.ofSeconds(180),
                "enrich's subtasks RUNNING");
        OUT.println("  job " + jobId + " RUNNING on " + cluster.rest().subtasksByTaskManager(jobId));

        phase("reference", String.format("%,d products and customers, then wait until enrich has read them",
                data.reference().size()));
        InputFeed.loadReference(producer, config, data.reference(), Duration.ofSeconds(180));

        CountDownLatch positioned = new CountDownLatch(1);
        watcher = new Thread(() -> timeline.watch(cluster.bootstrapServers(), config.get(ShopOptions.TOPIC_ENRICHED),
                positioned, stopWatching), "bench-output-watcher");
        watcher.setDaemon(true);
        watcher.start();
        if (!positioned.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("The output reader did not get the enriched topic's partitions within 60 s");
        }
    }

    String jobId() {
        return jobId;
    }

    /** The job's start, apart from its steady state: {@code flink run} to RUNNING and to the first output visible. */
    Startup startup() {
        return new Startup((runningAt - submittedAt) / 1e9, (timeline.firstVisible() - submittedAt) / 1e9,
                (timeline.firstSent() - submittedAt) / 1e9);
    }

    /** Seconds after {@code flink run} was started: every subtask RUNNING, the first record visible, the first event sent. */
    record Startup(double runningS, double firstVisibleS, double firstSentS) {}

    FlinkRest rest() {
        return cluster.rest();
    }

    /** The events, to be sent at {@code rate} per second, each recorded in the timeline as it is sent. */
    InputFeed feed(double rate) {
        return new InputFeed(producer, config, data.events(), rate, timeline::sending);
    }

    /** Prints what is starting, and names it in the progress lines. */
    void phase(String name, String what) {
        phase = name;
        OUT.printf("[%s] %s%n", name, what);
    }

    /** A progress line every two seconds from now on. */
    void showProgress() {
        progress.scheduleAtFixedRate(new Progress(), 2, 2, TimeUnit.SECONDS);
    }

    /** Watches a few more checkpoints (a duplicate committed late would show up then), then stops the output reader. */
    void stopWatchingAfterMoreCheckpoints() throws InterruptedException {
        Thread.sleep(Math.max(3000, 3 * (options.checkpointInterval().toMillis() + minPause.toMillis())));
        stopWatching.set(true);
        watcher.join(30_000);
        progress.shutdownNow();
    }

    FlinkRest.CheckpointStats checkpointStats() {
        return cluster.rest().checkpointStats(jobId);
    }

    @Override
    public void close() throws IOException {
        progress.shutdownNow();
        stopWatching.set(true);
        producer.close();
        phase("teardown", "stopping every process of the cluster");
        cluster.stopAll();
    }

    /**
     * The pause between checkpoints: flink-conf's, but at most half the interval asked for, so that
     * {@code --checkpoint-interval} sets the checkpoint cadence rather than the pause.
     */
    static Duration minPause(Path repo, Duration interval) throws IOException {
        Duration configured = FlinkProcesses.suiteConfiguration(repo).get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS);
        Duration half = interval.dividedBy(2);
        return configured.compareTo(half) < 0 ? configured : half;
    }

    /**
     * Refuses a home with live processes of an earlier run (their PID files could by now name
     * unrelated processes, so they are not killed here), then empties it: the comparison with
     * PlainEnrich needs topics that hold this run's records only.
     */
    private static void freshHome(Path repo, Path home) throws IOException {
        LocalCluster old = new LocalCluster(repo, home, 0, 0);
        List<String> alive = new ArrayList<>();
        for (String name : old.processes().names()) {
            if (old.processes().isAlive(name)) {
                alive.add(name + " (pid " + old.processes().pid(name) + ")");
            }
        }
        if (!alive.isEmpty()) {
            throw new IllegalStateException("Processes of an earlier run in " + home + " may still be alive: " + alive
                    + ". Stop them with bin/shopstream-cluster down --home " + home + ", or remove the folder.");
        }
        if (Files.exists(home)) {
            try (var paths = Files.walk(home)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A progress line every two seconds: what was sent and what became visible since the last one. */
    private final class Progress implements Runnable {
        private final long start = System.nanoTime();
        private long last = start;
        private int lastSent;
        private int lastVisible;

        @Override
        public void run() {
            long now = System.nanoTime();
            double seconds = (now - last) / 1e9;
            int sent = timeline.sent();
            int visible = timeline.visible();
            long latency = timeline.takeRecentMaxLatencyMs();
            OUT.printf("  %5.0f s  %-9s sent %,8d (%,6.0f/s)  visible %,8d (%,6.0f/s)  max latency of those %s%n",
                    (now - start) / 1e9, phase, sent, (sent - lastSent) / seconds, visible, (visible - lastVisible) / seconds,
                    latency < 0 ? "-" : String.format("%,d ms", latency));
            last = now;
            lastSent = sent;
            lastVisible = visible;
        }
    }
}
