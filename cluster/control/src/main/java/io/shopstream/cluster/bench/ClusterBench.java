package io.shopstream.cluster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.cluster.ClusterCli;
import io.shopstream.cluster.LocalCluster;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.Json;
import io.shopstream.common.kafka.ProducerSettings;
import io.shopstream.common.kafka.TopicReader;
import io.shopstream.enrich.PlainEnrich;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.generator.GeneratorSettings;
import io.shopstream.generator.ShopGenerator;
import io.shopstream.generator.Stream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code bin/shopstream-bench cluster}: on the local cluster (a Kafka broker, a JobManager and
 * three TaskManagers, each its own process), feeds events at a fixed rate through the enrich job
 * and measures throughput and end-to-end latency as a read_committed consumer sees them; kills the
 * TaskManager running enrich with {@code kill -9} mid-feed and times the recovery on the standby;
 * checks the output against {@link io.shopstream.enrich.PlainEnrich}; writes {@code cluster.md}
 * and {@code recovery-timeline.png}.
 */
public final class ClusterBench {

    static final String HEADING = "## End to end through Kafka, and recovery on this machine";
    static final int TASK_MANAGERS = 3;
    static final int SLOTS_PER_TASK_MANAGER = 2;
    private static final PrintStream OUT = System.out;

    private volatile String phase = "start";

    private ClusterBench() {}

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            OUT.println(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        OutputCheck check = options.ceiling() ? ceiling(options).check() : run(options).check();
        if (!check.exact()) {
            System.exit(1);
        }
    }

    /** Runs the recovery measurement on a fresh cluster in {@code options.home()}; always stops it. */
    static Run run(Options options) throws Exception {
        return (Run) new ClusterBench().measure(options);
    }

    /** Runs the backlog-ceiling measurement ({@code --scenario ceiling}); always stops the cluster. */
    static Ceiling ceiling(Options options) throws Exception {
        return (Ceiling) new ClusterBench().measure(options);
    }

    /** What a scenario found; every scenario ends with the comparison against PlainEnrich. */
    sealed interface Outcome permits Run, Ceiling {
        OutputCheck check();
    }

    private Outcome measure(Options o) throws Exception {
        Path repo = LocalCluster.findRepo();
        Duration minPause = minPause(repo, o.checkpointInterval());
        // The data first: a bad setting fails before any process starts.
        Data data = Data.generate(o.events(), o.rate());
        OUT.printf("Generated %,d events for %,d customers and %,d products (reference data complete, no duplicates,"
                + " no malformed records)%n", data.events().size(), Data.CUSTOMERS, Data.PRODUCTS);
        Timeline timeline = new Timeline(data.eventIds());

        requireFreeJobManagerRpcPort(repo);
        freshHome(o.home());
        LocalCluster cluster = new LocalCluster(repo, o.home(), freePort(), freePortPair());
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-progress");
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean stopWatching = new AtomicBoolean();
        try {
            long t0 = System.nanoTime();
            phase("start", "Kafka, JobManager and " + TASK_MANAGERS + " TaskManagers in " + o.home());
            cluster.startKafka();
            ClusterCli.main(new String[] {"topics", "--home", o.home().toString(), "--rest-port", port(cluster.restUrl()),
                    "--kafka-port", port(cluster.bootstrapServers())});
            cluster.startJobManager();
            for (int i = 0; i < TASK_MANAGERS; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(TASK_MANAGERS, Duration.ofSeconds(180));
            OUT.printf("  cluster up in %.0f s; web UI %s%n", (System.nanoTime() - t0) / 1e9, cluster.restUrl());

            phase("submit", "enrich with flink run -p " + o.parallelism() + ", checkpoint interval "
                    + TimeUtils.formatWithHighestUnit(o.checkpointInterval()) + ", min pause "
                    + TimeUtils.formatWithHighestUnit(minPause));
            String jobId = cluster.submit("enrich", List.of("-p", String.valueOf(o.parallelism())), List.of(
                    "-Dexecution.checkpointing.interval=" + o.checkpointInterval().toMillis() + "ms",
                    "-Dexecution.checkpointing.min-pause=" + minPause.toMillis() + "ms"));
            LocalCluster.await("enrich's subtasks RUNNING", Duration.ofSeconds(180), () -> cluster.allTasksRunning(jobId));
            OUT.println("  job " + jobId + " RUNNING on " + cluster.subtasksByTaskManager(jobId));

            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ProducerSettings.idempotent(cluster.bootstrapServers()))) {
                phase("reference", String.format("%,d products and customers, then wait until enrich has read them",
                        data.reference().size()));
                for (GeneratedRecord r : data.reference()) {
                    producer.send(new ProducerRecord<>(Data.topic(r.stream()), r.key(), r.value()));
                }
                producer.flush();
                // The contract's exactness holds for reference data loaded before the events.
                String group = ShopOptions.GROUP_ID_PREFIX.defaultValue() + "-enrich";
                LocalCluster.await("enrich to load the reference data", Duration.ofSeconds(180),
                        () -> TopicReader.lag(cluster.bootstrapServers(), group, ShopOptions.TOPIC_PRODUCTS.defaultValue())
                                + TopicReader.lag(cluster.bootstrapServers(), group, ShopOptions.TOPIC_CUSTOMERS.defaultValue()) == 0);

                CountDownLatch positioned = new CountDownLatch(1);
                Thread watcher = new Thread(() -> timeline.watch(cluster.bootstrapServers(), ShopOptions.TOPIC_ENRICHED.defaultValue(),
                        positioned, stopWatching), "bench-output-watcher");
                watcher.setDaemon(true);
                watcher.start();
                if (!positioned.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("The output reader did not get the enriched topic's partitions within 60 s");
                }

                if (o.ceiling()) {
                    return catchUp(cluster, jobId, producer, data, timeline, stopWatching, watcher, progress, o, minPause);
                }
                phase("steady", String.format("%,d events at %,.0f/s", o.events(), o.rate()));
                progress.scheduleAtFixedRate(new Progress(timeline), 2, 2, TimeUnit.SECONDS);
                AtomicReference<Exception> feedFailure = new AtomicReference<>();
                long checkpointsAtStart = cluster.completedCheckpoints(jobId);
                Thread feeder = new Thread(() -> feed(producer, data, o.rate(), timeline, feedFailure), "bench-feeder");
                feeder.setDaemon(true);
                long feedStart = System.nanoTime();
                feeder.start();
                long steadyFrom = awaitMoment(Run.WARM_UP_CHECKPOINTS + " checkpoints after the feed began",
                        Duration.ofSeconds(180),
                        () -> cluster.completedCheckpoints(jobId) >= checkpointsAtStart + Run.WARM_UP_CHECKPOINTS);

                Recovery recovery = killAndRecover(cluster, jobId, timeline, o, feedStart, checkpointsAtStart);

                phase("drain", "the rest of the feed, then until every event is visible");
                feeder.join();
                if (feedFailure.get() != null) {
                    throw new IllegalStateException("Sending events failed", feedFailure.get());
                }
                OUT.printf("  all %,d events sent in %.1f s%n", timeline.sent(), (System.nanoTime() - timeline.firstSent()) / 1e9);
                try {
                    // Generous: on a loaded 2-core machine checkpoints (and so commits) were seen to take 45 s.
                    LocalCluster.await("every event visible in the output", Duration.ofSeconds(240),
                            () -> timeline.visible() >= timeline.size());
                } catch (IllegalStateException timedOut) {
                    OUT.println("  " + timedOut.getMessage() + ": " + (timeline.size() - timeline.visible()) + " events missing");
                }
                stopWatchingAfterMoreCheckpoints(o, minPause, stopWatching, watcher, progress);

                phase("verify", "enrich's output against PlainEnrich over the same topics");
                OutputCheck check = OutputCheck.of(cluster.bootstrapServers());
                CheckpointStats checkpoints = checkpointStats(cluster, jobId);
                Run run = new Run(o, minPause, machine(), jobId, data.reference().size(), steadyFrom, recovery, checkpoints,
                        timeline, check);
                ClusterReport.write(run);
                run.printSummary(OUT);
                return run;
            }
        } finally {
            progress.shutdownNow();
            stopWatching.set(true);
            phase("teardown", "stopping every process of the cluster");
            cluster.stopAll();
        }
    }

    /**
     * The ceiling: one producer sends every event as fast as it can (far faster than enrich reads),
     * so enrich catches up a backlog; throughput is events over the time from the first send to
     * the last enriched record visible. Then PlainEnrich runs the same backlog Kafka to Kafka into
     * topics of its own, timed the same way from its start.
     */
    private Ceiling catchUp(LocalCluster cluster, String jobId, KafkaProducer<byte[], byte[]> producer, Data data,
            Timeline timeline, AtomicBoolean stopWatching, Thread watcher, ScheduledExecutorService progress, Options o,
            Duration minPause) throws Exception {
        phase("backlog", String.format("%,d events as fast as one producer sends them", o.events()));
        progress.scheduleAtFixedRate(new Progress(timeline), 2, 2, TimeUnit.SECONDS);
        AtomicReference<Exception> feedFailure = new AtomicReference<>();
        feed(producer, data, Double.POSITIVE_INFINITY, timeline, feedFailure);
        if (feedFailure.get() != null) {
            throw new IllegalStateException("Sending events failed", feedFailure.get());
        }
        double sentS = (System.nanoTime() - timeline.firstSent()) / 1e9;
        OUT.printf("  all %,d events sent in %.1f s (%,.0f/s)%n", timeline.sent(), sentS, timeline.sent() / sentS);
        LocalCluster.await("every event visible in the output", Duration.ofSeconds(240 + o.events() / 2_000),
                () -> timeline.visible() >= timeline.size());
        stopWatchingAfterMoreCheckpoints(o, minPause, stopWatching, watcher, progress);
        CheckpointStats checkpoints = checkpointStats(cluster, jobId);

        phase("plain", "PlainEnrich over the same topics, Kafka to Kafka, into " + Ceiling.PLAIN_PREFIX + "* topics");
        try (Admin admin = cluster.kafkaAdmin()) {
            admin.createTopics(List.of(
                    new NewTopic(Ceiling.PLAIN_PREFIX + ShopOptions.TOPIC_ENRICHED.defaultValue(), 4, (short) 1),
                    new NewTopic(Ceiling.PLAIN_PREFIX + ShopOptions.TOPIC_DLQ.defaultValue(), 4, (short) 1)))
                    .all().get(60, TimeUnit.SECONDS);
        }
        JobConfig plainConfig = JobConfig.fromArgs("enrich-plain",
                "--kafka.bootstrap-servers", cluster.bootstrapServers(),
                "--" + ShopOptions.TOPIC_ENRICHED.key(), Ceiling.PLAIN_PREFIX + ShopOptions.TOPIC_ENRICHED.defaultValue(),
                "--" + ShopOptions.TOPIC_DLQ.key(), Ceiling.PLAIN_PREFIX + ShopOptions.TOPIC_DLQ.defaultValue());
        long plainStart = System.nanoTime();
        PlainEnrich plain = PlainEnrich.toKafka(plainConfig);
        double plainS = (System.nanoTime() - plainStart) / 1e9;
        OUT.printf("  PlainEnrich: %,d enriched in %.1f s%n", plain.enrichedCount(), plainS);

        phase("verify", "enrich's output against PlainEnrich over the same topics");
        OutputCheck check = OutputCheck.of(cluster.bootstrapServers());
        Ceiling ceiling = new Ceiling(o, minPause, machine(), jobId, timeline.window(Long.MAX_VALUE), sentS,
                plain.enrichedCount(), plainS, checkpoints, check);
        Ceiling.write(ceiling);
        ceiling.printSummary(OUT);
        return ceiling;
    }

    /** Watches a few more checkpoints (a duplicate committed late would show up then), then stops the output reader. */
    private static void stopWatchingAfterMoreCheckpoints(Options o, Duration minPause, AtomicBoolean stopWatching,
            Thread watcher, ScheduledExecutorService progress) throws InterruptedException {
        Thread.sleep(Math.max(3000, 3 * (o.checkpointInterval().toMillis() + minPause.toMillis())));
        stopWatching.set(true);
        watcher.join(30_000);
        progress.shutdownNow();
    }

    private void phase(String name, String what) {
        phase = name;
        OUT.printf("[%s] %s%n", name, what);
    }

    /** Sends every event at the given rate; records each send in the timeline. */
    private static void feed(KafkaProducer<byte[], byte[]> producer, Data data, double rate, Timeline timeline,
            AtomicReference<Exception> failure) {
        String topic = ShopOptions.TOPIC_EVENTS.defaultValue();
        long start = System.nanoTime();
        List<GeneratedRecord> events = data.events();
        for (int i = 0; i < events.size() && failure.get() == null; i++) {
            long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
            // Sleeping below ~2 ms is not precise; a few events in a burst are.
            if (wait > 2_000_000) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            GeneratedRecord r = events.get(i);
            timeline.sending(i);
            try {
                producer.send(new ProducerRecord<>(topic, r.key(), r.value()), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }
        producer.flush();
    }

    /**
     * Once a third of the events are sent and a checkpoint has completed after that, kills the
     * TaskManager running most of enrich's subtasks and times detection and restart. No
     * replacement is started: the spare slots of the other TaskManagers take over.
     */
    private Recovery killAndRecover(LocalCluster cluster, String jobId, Timeline timeline, Options o, long feedStart,
            long checkpointsAtStart) throws Exception {
        int threshold = Math.max(1, o.events() / 3);
        Duration feedTime = Duration.ofMillis((long) (o.events() * 1000 / o.rate()));
        LocalCluster.await(threshold + " events sent", feedTime.plusSeconds(120), () -> timeline.sent() >= threshold);
        long before = cluster.completedCheckpoints(jobId);
        LocalCluster.await("a completed checkpoint after " + threshold + " events", Duration.ofSeconds(180),
                () -> cluster.completedCheckpoints(jobId) > before);
        long checkpointsAtKill = cluster.completedCheckpoints(jobId);

        Map<String, Integer> hosts = cluster.subtasksByTaskManager(jobId);
        List<String> taskManagers = cluster.processNames().stream()
                .filter(n -> n.startsWith(LocalCluster.TASKMANAGER_PREFIX)).toList();
        String victim = hosts.entrySet().stream()
                .filter(e -> taskManagers.contains(e.getKey()))
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(taskManagers.get(taskManagers.size() - 1));
        long pid = cluster.pid(victim);

        phase("recovery", String.format("kill -9 %s (pid %d, running %d of enrich's subtasks; subtasks by TaskManager: %s)",
                victim, pid, hosts.getOrDefault(victim, 0), hosts));
        long killedAt = System.nanoTime();
        long killedAtMillis = System.currentTimeMillis();
        cluster.kill(victim);
        long detectedAt = awaitMoment("the JobManager to notice the loss", Duration.ofSeconds(90), () -> {
            int registered = cluster.registeredTaskManagers();
            return !cluster.allTasksRunning(jobId) || (registered >= 0 && registered < TASK_MANAGERS);
        });
        // Also by the subtasks' own RUNNING timestamps: the job's vertex counts were once seen to read
        // RUNNING 2.4 s before the JobManager logged the last subtask's switch.
        AtomicLong lastRunningMillis = new AtomicLong(-1);
        long seenRunningAt = awaitMoment("every subtask RUNNING again", Duration.ofSeconds(240),
                () -> {
                    if (!cluster.runningAgainAfter(jobId, true, killedAtMillis)) {
                        return false;
                    }
                    lastRunningMillis.set(cluster.lastSubtaskRunningMillis(jobId));
                    return lastRunningMillis.get() >= killedAtMillis;
                });
        // Polling sees the job through the REST API's cache (renewed every 3 s); the moments themselves
        // come from the JobManager's records: its first failure after the kill, the last subtask RUNNING.
        long failedMillis = cluster.firstFailureMillis(jobId, killedAtMillis);
        long runningMillis = lastRunningMillis.get();
        long seenDetectedAt = detectedAt;
        if (failedMillis > 0) {
            detectedAt = Math.min(detectedAt, killedAt + (failedMillis - killedAtMillis) * 1_000_000);
        }
        long runningAt = killedAt + (runningMillis - killedAtMillis) * 1_000_000;
        OUT.printf("  detected after %.1f s (seen through REST after %.1f s)%n", (detectedAt - killedAt) / 1e9,
                (seenDetectedAt - killedAt) / 1e9);
        OUT.printf("  every subtask RUNNING again after %.1f s (seen through REST after %.1f s), now on %s%n",
                (runningAt - killedAt) / 1e9, (seenRunningAt - killedAt) / 1e9, cluster.subtasksByTaskManager(jobId));
        double periodS = checkpointsAtKill > checkpointsAtStart
                ? (killedAt - feedStart) / 1e9 / (checkpointsAtKill - checkpointsAtStart) : Double.NaN;
        return new Recovery(victim, pid, hosts.getOrDefault(victim, 0), hosts, killedAt, detectedAt, runningAt, periodS);
    }

    /** Polls every 100 ms; returns the {@link System#nanoTime()} at which the condition was seen to hold. */
    private static long awaitMoment(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
        return System.nanoTime();
    }

    /** Completed count, mean duration and the checkpoint restored from, as the REST API reports them. */
    record CheckpointStats(long completed, double meanDurationMs, long restoredFrom) {}

    private static CheckpointStats checkpointStats(LocalCluster cluster, String jobId) {
        return cluster.get("/jobs/" + jobId + "/checkpoints").map(n -> new CheckpointStats(
                n.path("counts").path("completed").asLong(),
                n.path("summary").path("end_to_end_duration").path("avg").asDouble(Double.NaN),
                n.path("latest").path("restored").path("id").asLong(-1)))
                .orElse(new CheckpointStats(-1, Double.NaN, -1));
    }

    /**
     * The pause between checkpoints: flink-conf's, but at most half the interval asked for, so that
     * {@code --checkpoint-interval} sets the checkpoint cadence rather than the pause.
     */
    static Duration minPause(Path repo, Duration interval) throws IOException {
        Matcher m = Pattern.compile("(?m)^\\s+min-pause:\\s*([^#\\s]+)").matcher(Files.readString(repo.resolve("flink-conf/config.yaml")));
        Duration half = interval.dividedBy(2);
        if (!m.find()) {
            return half;
        }
        Duration configured = TimeUtils.parseDuration(m.group(1));
        return configured.compareTo(half) < 0 ? configured : half;
    }

    /**
     * Refuses a home with live processes of an earlier run (their PID files could by now name
     * unrelated processes, so they are not killed here), then empties it: the comparison with
     * PlainEnrich needs topics that hold this run's records only.
     */
    private static void freshHome(Path home) throws IOException {
        LocalCluster old = new LocalCluster(LocalCluster.findRepo(), home, 0, 0);
        List<String> alive = new ArrayList<>();
        for (String name : old.processNames()) {
            if (old.isAlive(name)) {
                alive.add(name + " (pid " + old.pid(name) + ")");
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

    /**
     * The local cluster takes the JobManager's RPC port from flink-conf as it is (unlike the REST
     * and Kafka ports), so a second local cluster on this machine could not start its JobManager:
     * say so at once rather than after a start-up timeout.
     */
    private static void requireFreeJobManagerRpcPort(Path repo) throws IOException {
        Matcher m = Pattern.compile("(?ms)^jobmanager:\\s*$.*?^\\s+rpc:\\s*$.*?^\\s+port:\\s*(\\d+)")
                .matcher(Files.readString(repo.resolve("flink-conf/config.yaml")));
        int port = m.find() ? Integer.parseInt(m.group(1)) : 6123;
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            // free
        } catch (IOException taken) {
            throw new IllegalStateException("Port " + port + " (jobmanager.rpc.port in flink-conf/config.yaml) is in use,"
                    + " probably by another local cluster (bin/shopstream-cluster, or the chaos test in"
                    + " cluster/control/target/chaos-cluster); a second JobManager cannot start until it is stopped");
        }
    }

    private static String port(String address) {
        return address.substring(address.lastIndexOf(':') + 1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A port p such that p and p + 1 are free (the broker's and the controller's listeners). */
    private static int freePortPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = freePort();
            try (ServerSocket s = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("No free port pair on 127.0.0.1");
    }

    static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
        return String.format("%d cores, %.1f GiB memory, %s %s, Java %s, %s", Runtime.getRuntime().availableProcessors(),
                memory / 1024.0 / 1024 / 1024, System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    /** A progress line every two seconds: what was sent and what became visible since the last one. */
    private final class Progress implements Runnable {
        private final Timeline timeline;
        private final long start = System.nanoTime();
        private long last = start;
        private int lastSent;
        private int lastVisible;

        Progress(Timeline timeline) {
            this.timeline = timeline;
        }

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

    /** What {@code kill -9} of a TaskManager did, in {@link System#nanoTime()} moments. */
    record Recovery(String victim, long pid, int victimSubtasks, Map<String, Integer> subtasksBefore, long killedAt,
            long detectedAt, long runningAt, double checkpointPeriodBeforeKillS) {}

    /** The events to feed and the reference data loaded before them. */
    record Data(List<GeneratedRecord> reference, List<GeneratedRecord> events, List<String> eventIds) {

        static final int CUSTOMERS = 5000;
        static final int PRODUCTS = 500;

        static Data generate(int events, double rate) {
            // Every event yields exactly one enriched record (no unknown references, duplicates or
            // malformed records), so "every event sent before the kill is visible" is exact.
            ShopGenerator generator = new ShopGenerator(GeneratorSettings.fromArgs("--seed", "2026",
                    "--events", String.valueOf(events), "--customers", String.valueOf(CUSTOMERS),
                    "--products", String.valueOf(PRODUCTS), "--unknownProductFraction", "0", "--unknownCustomerFraction", "0",
                    "--duplicateFraction", "0", "--malformedFraction", "0", "--lateFraction", "0",
                    // Event time advances with the feed, as in production.
                    "--eventTimeStepMs", String.valueOf(Math.max(1, Math.round(1000 / rate)))));
            List<GeneratedRecord> reference = new ArrayList<>();
            List<GeneratedRecord> feed = new ArrayList<>();
            generator.forEachRemaining(r -> {
                switch (r.stream()) {
                    case PRODUCTS, CUSTOMERS -> reference.add(r);
                    case EVENTS -> feed.add(r);
                    case PAYMENTS -> { } // enrich does not read payments
                }
            });
            List<String> ids = feed.stream().map(r -> {
                try {
                    return Json.MAPPER.readTree(r.value()).path("eventId").asText();
                } catch (IOException e) {
                    throw new IllegalStateException("The generator wrote an event that is not JSON: " + r, e);
                }
            }).toList();
            return new Data(reference, feed, ids);
        }

        static String topic(Stream stream) {
            return switch (stream) {
                case PRODUCTS -> ShopOptions.TOPIC_PRODUCTS.defaultValue();
                case CUSTOMERS -> ShopOptions.TOPIC_CUSTOMERS.defaultValue();
                case EVENTS -> ShopOptions.TOPIC_EVENTS.defaultValue();
                case PAYMENTS -> ShopOptions.TOPIC_PAYMENTS.defaultValue();
            };
        }
    }

    /** The command's options; {@link #parse} fails on anything it does not know, before any work. */
    record Options(boolean ceiling, int events, double rate, Duration checkpointInterval, int parallelism, Path out,
            Path home) {

        static final String USAGE = """
                Usage: bin/shopstream-bench cluster [--scenario recovery|ceiling] [--events N] [--rate R]
                                                    [--checkpoint-interval D] [--parallelism P] [--out DIR] [--home DIR]
                  --scenario S               recovery (default): events at --rate, a TaskManager killed mid-feed,
                                             writes cluster.md and recovery-timeline.png; ceiling: every event sent
                                             at once, enrich catches up the backlog, then PlainEnrich does the same
                                             Kafka to Kafka; writes cluster-ceiling.md
                  --events N                 events to feed (default 120000)
                  --rate R                   events per second offered to Kafka (default 2000; recovery only)
                  --checkpoint-interval D    enrich's checkpoint interval, e.g. 1s, 500ms, 10 s (default 1s)
                  --parallelism P            enrich's parallelism, 1 to 4: the slots left after one of the three
                                             TaskManagers (2 slots each) is killed (default 2)
                  --out DIR                  where cluster.md and recovery-timeline.png go (default run/bench)
                  --home DIR                 the cluster's folder, emptied first (default run/bench-cluster)""";

        private static final List<String> KEYS =
                List.of("scenario", "events", "rate", "checkpoint-interval", "parallelism", "out", "home");

        static Options parse(String... args) {
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String key = args[i].startsWith("--") ? args[i].substring(2) : null;
                if (key == null || !KEYS.contains(key)) {
                    throw new IllegalArgumentException("Unknown option " + args[i] + "; valid options: --"
                            + String.join(", --", KEYS) + "\n" + USAGE);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Option --" + key + " needs a value\n" + USAGE);
                }
                map.put(key, args[++i]);
            }
            Path repo = LocalCluster.findRepo();
            String scenario = map.getOrDefault("scenario", "recovery");
            if (!scenario.equals("recovery") && !scenario.equals("ceiling")) {
                throw new IllegalArgumentException("--scenario must be recovery or ceiling, got " + scenario);
            }
            boolean ceiling = scenario.equals("ceiling");
            if (ceiling && map.containsKey("rate")) {
                throw new IllegalArgumentException("--rate applies to --scenario recovery; the ceiling sends as fast as it can");
            }
            int events = whole(map, "events", "120000", 1, Integer.MAX_VALUE);
            double rate = number(map, "rate", "2000");
            Duration interval = duration(map, "checkpoint-interval", "1s");
            int parallelism = whole(map, "parallelism", "2", 1, (TASK_MANAGERS - 1) * SLOTS_PER_TASK_MANAGER);
            return new Options(ceiling, events, rate, interval, parallelism,
                    map.containsKey("out") ? Path.of(map.get("out")) : repo.resolve("run/bench"),
                    map.containsKey("home") ? Path.of(map.get("home")) : repo.resolve("run/bench-cluster"));
        }

        /** The command line that reproduces this run. */
        String commandLine() {
            String interval = TimeUtils.formatWithHighestUnit(checkpointInterval).replace(" ", "");
            if (ceiling) {
                return String.format("bin/shopstream-bench cluster --scenario ceiling --events %d --checkpoint-interval %s"
                        + " --parallelism %d", events, interval, parallelism);
            }
            return String.format("bin/shopstream-bench cluster --events %d --rate %s --checkpoint-interval %s --parallelism %d",
                    events, rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate), interval, parallelism);
        }

        private static int whole(Map<String, String> map, String key, String fallback, int min, int max) {
            String text = map.getOrDefault(key, fallback);
            try {
                int v = Integer.parseInt(text.replace("_", ""));
                if (v < min || v > max) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + key + " must be a whole number from " + min + " to " + max
                        + ", got " + text);
            }
        }

        private static double number(Map<String, String> map, String key, String fallback) {
            String text = map.getOrDefault(key, fallback);
            try {
                double v = Double.parseDouble(text);
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + key + " must be a number above 0, got " + text);
            }
        }

        private static Duration duration(Map<String, String> map, String key, String fallback) {
            String text = map.getOrDefault(key, fallback);
            Duration d;
            try {
                // Flink's duration syntax, as everywhere else in the suite: 1s, 500 ms, 1 min.
                d = TimeUtils.parseDuration(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + key + " must be a duration such as 1s, 500ms or 1 min, got " + text);
            }
            // Flink's lower bound for a checkpoint interval.
            if (d.toMillis() < 10) {
                throw new IllegalArgumentException("--" + key + " must be at least 10ms, got " + text);
            }
            return d;
        }
    }
}
