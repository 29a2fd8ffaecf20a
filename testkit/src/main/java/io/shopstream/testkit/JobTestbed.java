package io.shopstream.testkit;

import io.shopstream.common.Await;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.job.ShopJob;
import io.shopstream.common.json.Json;
import io.shopstream.common.kafka.TopicReader;
import io.shopstream.common.metrics.ShopMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.testutils.junit.SharedObjectsExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one end-to-end set-up of a job's tests, a JUnit 5 extension registered once per class
 * ({@code @RegisterExtension static final JobTestbed BED = JobTestbed.of(EnrichJob.JOB)}): for the
 * class, a Flink MiniCluster (one TaskManager, two slots) and a real Kafka broker; per test, topics
 * under a fresh prefix, the job's configuration for them (checkpoints every 200 ms, 3 restarts),
 * the job started through {@link ShopJob#build} with {@link JobHooks}, failure injection in Flink's
 * shared objects, and waits that end on a condition. Jobs a test leaves running are cancelled
 * after it.
 */
public final class JobTestbed implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** How long {@link #awaitConsumed} waits: a loaded 2-core machine may take minutes for a backlog. */
    public static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(180);

    /** How long the other waits wait for output. */
    public static final Duration OUTPUT_TIMEOUT = Duration.ofSeconds(120);

    private final ShopJob job;
    private final boolean securedListener;
    /** Every metric of every job this class ran, kept after the job ends, for {@link #counters}. */
    private final InMemoryReporter metrics = InMemoryReporter.createWithRetainedMetrics();
    private final MiniClusterResource flink = new MiniClusterResource(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(metrics.addToConfiguration(new Configuration()))
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());
    private final SharedObjectsExtension shared = SharedObjectsExtension.create();
    private final List<JobClient> started = new ArrayList<>();
    private EmbeddedKafka kafka;
    private Path dir;
    private String testName = "test";
    private int prefixes;

    private JobTestbed(ShopJob job, boolean securedListener) {
        this.job = job;
        this.securedListener = securedListener;
    }

    /** A testbed for {@code job} with a PLAINTEXT broker. */
    public static JobTestbed of(ShopJob job) {
        return new JobTestbed(job, false);
    }

    /** A testbed for {@code job} with a broker that also has a SASL_SSL listener (see {@link EmbeddedKafka}). */
    public static JobTestbed withSecuredListener(ShopJob job) {
        return new JobTestbed(job, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("shopstream-testbed");
        kafka = securedListener ? EmbeddedKafka.startWithSecuredListener() : EmbeddedKafka.start();
        flink.before();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        testName = context.getTestMethod().map(m -> m.getName()).orElse("test");
        shared.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            // Before the shared objects go: a running injector still reads them.
            for (JobClient client : started) {
                cancel(client);
            }
        } finally {
            started.clear();
            shared.afterEach(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            flink.after();
        } finally {
            try {
                kafka.close();
            } finally {
                deleteRecursively(dir);
            }
        }
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    /**
     * Creates every contract topic with {@code partitions} partitions under a prefix no other test
     * uses, and returns the prefix.
     */
    public String createTopics(int partitions) {
        String name = testName.length() > 40 ? testName.substring(0, 40) : testName;
        String prefix = (++prefixes) + "-" + name + ".";
        ContractTopics.createAll(kafka, partitions, prefix);
        return prefix;
    }

    /** {@link #createTopics} and the job's configuration for them. */
    public JobConfig config(int partitions, String stateBackend, String... extra) {
        return config(createTopics(partitions), stateBackend, extra);
    }

    /**
     * The job's configuration for the topics under {@code prefix}: the broker, consumer group and
     * transactional id prefixes of their own, {@code stateBackend}, checkpoints every 200 ms in a
     * folder of the prefix's, a fixed-delay restart strategy (3 attempts, 200 ms apart); then
     * {@code extra}, where a later option overrides an earlier one.
     */
    public JobConfig config(String prefix, String stateBackend, String... extra) {
        List<String> args = new ArrayList<>(ContractTopics.names(prefix));
        args.addAll(List.of(
                "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--kafka.group-id-prefix", prefix + "group",
                "--kafka.transactional-id-prefix", prefix + "tx",
                "-Dstate.backend.type=" + stateBackend,
                "-Dexecution.checkpointing.interval=200ms",
                "-Dexecution.checkpointing.dir=" + dir.resolve(prefix + "checkpoints").toUri(),
                "-Drestart-strategy.type=fixed-delay",
                "-Drestart-strategy.fixed-delay.attempts=3",
                "-Drestart-strategy.fixed-delay.delay=200ms"));
        args.addAll(List.of(extra));
        return job.config(args.toArray(String[]::new));
    }

    /** The job's consumer group under {@code config}. */
    public String group(JobConfig config) {
        return config.get(ShopOptions.GROUP_ID_PREFIX) + "-" + job.name();
    }

    /** A failure injection for this test (its state in Flink's shared objects): see {@link FailOnceAfterCheckpoint}. */
    public FailOnceAfterCheckpoint.Injection failOnceAfterCheckpoint() {
        return FailOnceAfterCheckpoint.in(shared);
    }

    /** Starts the job, fresh. */
    public JobClient start(JobConfig config, int parallelism, JobHooks hooks) throws Exception {
        return start(config, parallelism, hooks, null);
    }

    /** Starts the job from {@code savepoint} (fresh when null). */
    public JobClient start(JobConfig config, int parallelism, JobHooks hooks, String savepoint) throws Exception {
        StreamExecutionEnvironment env = new TestStreamEnvironment(flink.getMiniCluster(), parallelism);
        env.configure(config.flinkConfiguration());
        env.setParallelism(parallelism);
        job.build(env, config, hooks);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(job.displayName() + " under test");
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        JobClient client = env.executeAsync(graph);
        started.add(client);
        return client;
    }

    /**
     * Stops the job with a savepoint (canonical format) and returns its path; {@code drain} first
     * advances event time to the end, so that every window fires.
     */
    public String stop(JobClient client, boolean drain) throws Exception {
        String target = dir.resolve("savepoints").toUri().toString();
        return client.stopWithSavepoint(drain, target, SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
    }

    /** Cancels the job unless it has ended, and waits until it has. */
    public void cancel(JobClient client) throws Exception {
        if (!client.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
            client.cancel().get(30, TimeUnit.SECONDS);
        }
        Await.until(() -> client.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState(),
                Duration.ofSeconds(60), "job " + client.getJobID() + " to end");
    }

    /**
     * Waits until the job's consumer group has committed (on a completed checkpoint) the end offset
     * of every partition of each of its input topics: it has read everything and checkpointed
     * after it.
     */
    public void awaitConsumed(JobConfig config) {
        awaitConsumed(config, job.topics().inputs(), CONSUME_TIMEOUT);
    }

    /** As {@link #awaitConsumed(JobConfig)}, for the topics of {@code inputs} only. */
    public void awaitConsumed(JobConfig config, List<ConfigOption<String>> inputs, Duration timeout) {
        String group = group(config);
        Await.value(() -> {
            Map<String, Long> lags = new TreeMap<>();
            for (ConfigOption<String> input : inputs) {
                String topic = config.get(input);
                lags.put(topic, TopicReader.lag(kafka.bootstrapServers(), group, topic));
            }
            return lags;
        }, lags -> lags.values().stream().allMatch(lag -> lag == 0), timeout, group + " to consume its input (lags)");
    }

    /**
     * Waits for {@code more} checkpoints of the job to complete from now: whatever it had read
     * is then committed, so a test that reads the output after this sees all it will ever see of
     * that input.
     */
    public void awaitCheckpoints(JobClient client, int more) {
        long before = completedCheckpoints(client);
        Await.until(() -> completedCheckpoints(client) >= before + more, OUTPUT_TIMEOUT,
                more + " more completed checkpoints of job " + client.getJobID());
    }

    private long completedCheckpoints(JobClient client) {
        try {
            CheckpointStatsSnapshot stats = flink.getMiniCluster().getExecutionGraph(client.getJobID())
                    .get(30, TimeUnit.SECONDS).getCheckpointStatsSnapshot();
            return stats == null ? 0 : stats.getCounts().getNumberOfCompletedCheckpoints();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the checkpoint statistics of job " + client.getJobID(), e);
        }
    }

    /**
     * The job's counters (group {@value ShopMetrics#GROUP}) as {@code "operator name.counter"} and
     * their count summed over the subtasks (and over the attempts, after a restart), also after
     * the job has ended.
     */
    public Map<String, Long> counters(JobClient client) {
        String jobId = client.getJobID().toString();
        Map<String, Long> counters = new TreeMap<>();
        metrics.getMetricsByGroup().forEach((group, byName) -> {
            Map<String, String> variables = group.getAllVariables();
            String[] scope = group.getScopeComponents();
            if (jobId.equals(variables.get("<job_id>")) && scope[scope.length - 1].equals(ShopMetrics.GROUP)) {
                byName.forEach((name, metric) -> {
                    if (metric instanceof Counter counter) {
                        counters.merge(variables.get("<operator_name>") + "." + name, counter.getCount(), Long::sum);
                    }
                });
            }
        });
        return counters;
    }

    /** The committed values of {@code topic}, read as JSON of {@code type}. */
    public <T> List<T> read(String topic, Class<T> type) {
        return kafka.readCommitted(topic).stream().map(r -> value(r, type)).toList();
    }

    /** As {@link #read}, checking that every record's Kafka key is {@code key} of its value. */
    public <T> List<T> readKeyed(String topic, Class<T> type, Function<T, String> key) {
        List<T> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(topic)) {
            T value = value(r, type);
            String actual = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            if (!Objects.equals(actual, key.apply(value))) {
                throw new AssertionError("Record of " + topic + " keyed " + actual + ", expected " + key.apply(value)
                        + ": " + value);
            }
            values.add(value);
        }
        return values;
    }

    /** Reads {@code topic} (as {@link #readKeyed}) until what it holds satisfies {@code done}, and returns that. */
    public <T> List<T> awaitOutput(String topic, Class<T> type, Function<T, String> key, Predicate<List<T>> done,
            String description) {
        return Await.value(() -> readKeyed(topic, type, key), done, OUTPUT_TIMEOUT, description + " in " + topic);
    }

    private static <T> T value(ConsumerRecord<byte[], byte[]> r, Class<T> type) {
        try {
            return Json.MAPPER.readValue(r.value(), type);
        } catch (IOException e) {
            throw new AssertionError("unreadable " + new String(r.value(), StandardCharsets.UTF_8), e);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
