package io.shopstream.embedded;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.ShopJob;
import io.shopstream.enrich.EnrichJob;
import io.shopstream.enrich.EnrichOptions;
import io.shopstream.generator.ShopPublisher;
import io.shopstream.suite.SuiteJobs;
import io.shopstream.testkit.ContractTopics;
import io.shopstream.testkit.EmbeddedKafka;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole suite on one machine, in one JVM: an in-JVM Kafka with the contract's topics, a
 * Flink MiniCluster with the web UI, every job of {@link SuiteJobs#ALL} as its own Flink job, and
 * the generator feeding the inputs. Prints a live view of the committed outputs every 5 s.
 *
 * <p>Over 300 lines because it is one lifecycle over shared fields (broker, MiniCluster, job ids,
 * publisher, watcher): start in order, view, stop in reverse order. The live view's formatting is
 * {@link LiveView}; the command line and the signals that end a run are {@link EmbeddedMain}.
 */
public final class EmbeddedSuite implements AutoCloseable {

    /** Log4j configuration of the embedded run: a quiet console, full logs in the run folder. */
    public static final String LOG_CONFIG = "log4j2-embedded.xml";

    static final int SLOTS = 8;

    private static final Duration VIEW_INTERVAL = Duration.ofSeconds(5);

    /** How long the start waits for the jobs' tasks before starting the generator anyway. */
    private static final Duration TASK_START_TIMEOUT = Duration.ofMinutes(2);

    private final EmbeddedOptions options;
    private final PrintStream out;
    /** When the generator started; {@code --duration} counts from here, after the start-up. */
    private volatile long startNanos = System.nanoTime();
    private final Map<String, JobID> jobs = new LinkedHashMap<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private EmbeddedKafka kafka;
    private MiniCluster cluster;
    private URI restAddress;
    private Path checkpointDir;
    private ShopPublisher publisher;
    private Thread generatorThread;
    private OutputWatcher watcher;
    private volatile Throwable generatorFailure;

    private EmbeddedSuite(EmbeddedOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Starts Kafka, the MiniCluster, the jobs and the generator; returns once all are running. */
    public static EmbeddedSuite start(EmbeddedOptions options, PrintStream out) throws Exception {
        EmbeddedSuite suite = new EmbeddedSuite(options, out);
        try {
            suite.startAll();
            return suite;
        } catch (Exception | Error e) {
            suite.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Logger log = LoggerFactory.getLogger(EmbeddedSuite.class);
        Files.createDirectories(options.runDir());
        checkpointDir = Files.createTempDirectory(options.runDir().toAbsolutePath(), "checkpoints-");

        out.println("Starting Kafka (in-JVM KRaft) ...");
        kafka = quietly(EmbeddedKafka::start);
        ContractTopics.createAll(kafka, options.partitions());
        log.info("Kafka at {}, contract topics created with {} partitions", kafka.bootstrapServers(),
                options.partitions());

        out.println("Starting Flink MiniCluster ...");
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(clusterConfiguration())
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(SLOTS)
                .build());
        cluster.start();
        restAddress = cluster.getRestAddress().get(30, TimeUnit.SECONDS);

        for (ShopJob job : SuiteJobs.ALL) {
            if (!options.jobs().contains(job.name())) {
                continue;
            }
            JobID id = submit(job);
            jobs.put(job.name(), id);
            log.info("Submitted job {} as {}", job.name(), id);
        }

        watcher = new OutputWatcher(kafka.bootstrapServers(), outputTopics());

        out.println("Web UI: http://localhost:" + restAddress.getPort());
        out.println("Waiting for every task of " + String.join(", ", jobs.keySet()) + " to run ...");
        awaitTasksRunning(TASK_START_TIMEOUT);

        publisher = ShopPublisher.create(options.generator(), kafka.bootstrapServers(), ShopPublisher.Topics.defaults());
        generatorThread = new Thread(() -> {
            try {
                publisher.run();
            } catch (Throwable t) {
                generatorFailure = t;
                LoggerFactory.getLogger(EmbeddedSuite.class).error("The generator failed", t);
            }
        }, "generator");
        generatorThread.setDaemon(true);
        startNanos = System.nanoTime();
        generatorThread.start();

        out.println("Kafka:  " + kafka.bootstrapServers() + "   jobs: " + String.join(", ", jobs.keySet())
                + "   state backend: " + options.stateBackend() + "   generator: " + options.generator().describe());
        out.println("Logs:   " + options.runDir().resolve("embedded.log") + "   (Ctrl-C stops)");
    }

    private Configuration clusterConfiguration() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, String.valueOf(options.restPort()));
        conf.set(RestOptions.PORT, options.restPort());
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, SLOTS);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
        conf.setString(StateBackendOptions.STATE_BACKEND.key(), options.stateBackend());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        return conf;
    }

    /** Builds one job on its own environment and submits its job graph to the MiniCluster. */
    private JobID submit(ShopJob job) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--" + ShopOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers(),
                "-Dexecution.checkpointing.interval=" + options.checkpointInterval().toMillis() + " ms",
                "-Dstate.backend.type=" + options.stateBackend(),
                "-Dexecution.checkpointing.dir=" + checkpointDir.resolve(job.name()).toUri(),
                "-Dparallelism.default=" + options.parallelism()));
        if (job == EnrichJob.JOB) {
            // A demo should not keep a customer's events back for half a minute.
            args.addAll(List.of("--" + EnrichOptions.MAX_WAIT.key(), "5s"));
        }
        JobConfig config = job.config(args.toArray(String[]::new));
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(config.flinkConfiguration());
        job.build(env, config);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(job.displayName());
        JobGraph jobGraph = graph.getJobGraph();
        return cluster.submitJob(jobGraph).get(60, TimeUnit.SECONDS).getJobID();
    }

    /**
     * Waits until every task of every job runs, so that {@code --duration} counts time in which
     * the jobs process data (task start-up takes from seconds to a minute on a busy machine).
     */
    private void awaitTasksRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<String, JobID> job : jobs.entrySet()) {
            while (true) {
                AccessExecutionGraph graph = cluster.getExecutionGraph(job.getValue()).get(30, TimeUnit.SECONDS);
                // While a job initializes its graph has no vertices yet.
                int vertices = 0;
                boolean running = graph.getState() == JobStatus.RUNNING;
                for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
                    vertices++;
                    running &= vertex.getExecutionState() == ExecutionState.RUNNING;
                }
                if (running && vertices > 0) {
                    break;
                }
                if (graph.getState().isGloballyTerminalState()) {
                    throw new IllegalStateException("Job " + job.getKey() + " ended at start-up: " + graph.getState()
                            + " (see " + options.runDir().resolve("embedded.log") + ")");
                }
                if (System.nanoTime() > deadline) {
                    out.println("Not all tasks of " + job.getKey() + " run after " + timeout.toSeconds()
                            + " s; starting the generator anyway.");
                    return;
                }
                Thread.sleep(250);
            }
        }
    }

    /** Every contract topic that a job writes, in the contract's order. */
    private static List<String> outputTopics() {
        List<String> inputs = List.of(ShopOptions.TOPIC_PRODUCTS.defaultValue(), ShopOptions.TOPIC_CUSTOMERS.defaultValue(),
                ShopOptions.TOPIC_EVENTS.defaultValue(), ShopOptions.TOPIC_PAYMENTS.defaultValue());
        List<String> outputs = new ArrayList<>();
        for (var option : ShopOptions.ALL) {
            String topic = option.defaultValue() instanceof String t && option.key().startsWith("topics.") ? t : null;
            if (topic != null && !inputs.contains(topic)) {
                outputs.add(topic);
            }
        }
        return outputs;
    }

    /** Kafka's test kit prints its storage formatting to stdout; keep the console to our view. */
    private static <T> T quietly(Supplier<T> action) {
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return action.get();
        } finally {
            System.setOut(stdout);
        }
    }

    // ---- while running ----

    public URI restAddress() {
        return restAddress;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The Flink job ids, by job name. */
    public Map<String, JobID> jobs() {
        return Map.copyOf(jobs);
    }

    public JobStatus status(String job) throws Exception {
        return cluster.getJobStatus(jobs.get(job)).get(10, TimeUnit.SECONDS);
    }

    /** Committed records read so far from an output topic. */
    public long committed(String topic) {
        return watcher == null ? 0 : watcher.count(topic);
    }

    /** Ends {@link #awaitEnd()} early (Ctrl-C). */
    public void requestStop() {
        stopRequested.countDown();
    }

    /** Prints the live view every 5 s until {@code --duration} has passed or a stop is requested. */
    public void awaitEnd() throws InterruptedException {
        Duration duration = options.duration();
        long deadline = duration == null ? Long.MAX_VALUE : startNanos + duration.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            long wait = Math.min(left, VIEW_INTERVAL.toNanos());
            if (wait <= 0 || stopRequested.await(wait, TimeUnit.NANOSECONDS)) {
                return;
            }
            if (System.nanoTime() < deadline) {
                printView();
            }
        }
    }

    /** The live view: inputs sent, job states, committed output counts, the newest outputs. */
    public void printView() {
        Map<String, String> states = new LinkedHashMap<>();
        for (String job : jobs.keySet()) {
            try {
                states.put(job, status(job).toString());
            } catch (Exception e) {
                states.put(job, "?");
            }
        }
        String note = generatorFailure != null ? "  FAILED: " + generatorFailure.getMessage()
                : publisher.isDone() ? "  (done)" : "";
        out.print(LiveView.format(Duration.ofNanos(System.nanoTime() - startNanos), publisher.progress(), note, states,
                watcher));
        out.flush();
    }

    // ---- stopping ----

    /** Stops the generator, the jobs, the MiniCluster and Kafka, in that order; prints totals. */
    @Override
    public void close() {
        Logger log = LoggerFactory.getLogger(EmbeddedSuite.class);
        if (publisher != null) {
            publisher.stop();
            try {
                generatorThread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            publisher.close();
        }
        if (cluster != null) {
            for (Map.Entry<String, JobID> job : jobs.entrySet()) {
                stopJob(job.getKey(), job.getValue(), log);
            }
        }
        if (watcher != null) {
            watcher.catchUp(Duration.ofSeconds(10));
            printTotals();
            try {
                watcher.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (cluster != null) {
            try {
                cluster.closeAsync().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("Stopping the MiniCluster failed", e);
            }
        }
        if (kafka != null) {
            try {
                kafka.close();
            } catch (Exception e) {
                log.warn("Stopping Kafka failed", e);
            }
        }
        deleteQuietly(checkpointDir);
        out.println("Stopped.");
        out.flush();
    }

    /**
     * Stops a job with a savepoint, which commits its last Kafka transactions, so the totals
     * include everything it processed; cancels it if that does not work.
     */
    private void stopJob(String name, JobID id, Logger log) {
        try {
            JobStatus status = cluster.getJobStatus(id).get(10, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                return;
            }
            if (status == JobStatus.RUNNING) {
                try {
                    String savepoint = cluster.stopWithSavepoint(id, checkpointDir.resolve("savepoints").toUri().toString(),
                            false, SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
                    log.info("Stopped job {} with savepoint {}", name, savepoint);
                    return;
                } catch (Exception e) {
                    log.warn("Stopping job {} with a savepoint failed; cancelling it", name, e);
                }
            }
            cluster.cancelJob(id).get(30, TimeUnit.SECONDS);
            cluster.requestJobResult(id).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Cancelling job {} failed", name, e);
        }
    }

    private void printTotals() {
        out.println("==== Totals after " + Duration.ofNanos(System.nanoTime() - startNanos).toSeconds() + " s");
        if (publisher != null) {
            out.println(publisher.stats());
        }
        out.println("Committed output records:");
        watcher.counts().forEach((topic, n) -> out.printf(Locale.ROOT, "  %-28s %,10d%n", topic, n));
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leftovers in the git-ignored run folder are harmless
        }
    }
}
