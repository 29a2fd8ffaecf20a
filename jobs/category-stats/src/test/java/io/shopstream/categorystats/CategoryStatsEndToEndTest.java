package io.shopstream.categorystats;

import static io.shopstream.testkit.EnrichedInput.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.json.Json;
import io.shopstream.common.model.CategoryStats;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.EventType;
import io.shopstream.testkit.ContractTopics;
import io.shopstream.testkit.EmbeddedKafka;
import io.shopstream.testkit.EnrichedInput;
import io.shopstream.testkit.FailOnceAfterCheckpoint;
import io.shopstream.testkit.ReplayScenario;
import io.shopstream.testkit.compare.FinalRevisions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * category-stats on a Flink MiniCluster against a real (in-JVM KRaft) Kafka broker, with heap and
 * RocksDB (incremental) state: read_committed output equals the plain implementation's, with a
 * failure after a completed checkpoint, across stop-with-savepoint and rescaling, with idle
 * partitions, and with a late event replayed after a restore.
 */
class CategoryStatsEndToEndTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final long T0 = Instant.parse("2025-11-27T10:00:00Z").toEpochMilli();
    private static final Comparator<CategoryStats> BY_KEY_AND_REVISION =
            Comparator.comparing(CategoryStats::category)
                    .thenComparingLong(CategoryStats::windowStart)
                    .thenComparingInt(CategoryStats::revision);

    private static EmbeddedKafka kafka;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    private static JobConfig config(String prefix, int partitions, String backend, String... extra) {
        ContractTopics.createAll(kafka, partitions, prefix);
        return CategoryStatsJob.JOB.config(configArgs(prefix, backend, extra).toArray(String[]::new));
    }

    /** The arguments of {@link #config}, for topics that exist already. */
    private static List<String> configArgs(String prefix, String backend, String... extra) {
        List<String> args = new ArrayList<>(ContractTopics.names(prefix));
        args.addAll(List.of(
                "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--kafka.group-id-prefix", prefix + "group",
                "--kafka.transactional-id-prefix", prefix + "tx",
                "--source.idle-timeout", "2 s",
                "-Dstate.backend.type=" + backend,
                "-Dexecution.checkpointing.interval=200ms",
                "-Dexecution.checkpointing.dir=" + dir.resolve(prefix + "checkpoints").toUri(),
                "-Drestart-strategy.type=fixed-delay",
                "-Drestart-strategy.fixed-delay.attempts=3",
                "-Drestart-strategy.fixed-delay.delay=200ms"));
        args.addAll(List.of(extra));
        return args;
    }

    /** Starts the job; {@code savepoint} (or null) to restore from; {@code failAfter} < 0 for no failure. */
    private static JobClient start(JobConfig config, int parallelism, String savepoint, long failAfter,
            boolean keepWatermark) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(config.flinkConfiguration());
        env.setParallelism(parallelism);
        JobHooks hooks = failAfter < 0
                ? JobHooks.NONE
                : JobHooks.NONE.tap(CategoryStatsJob.TAP_EVENTS, FailOnceAfterCheckpoint.tap(failAfter));
        CategoryStatsJob.JOB.build(env, config, keepWatermark ? hooks : hooks.withoutWatermarkKeeper());
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("category-stats under test");
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return env.executeAsync(graph);
    }

    private static String group(JobConfig config) {
        return config.get(ShopOptions.GROUP_ID_PREFIX) + "-" + CategoryStatsJob.NAME;
    }

    private static void awaitConsumed(JobConfig config) throws Exception {
        EnrichedInput.awaitConsumed(kafka, group(config), config.get(ShopOptions.TOPIC_ENRICHED), Duration.ofSeconds(180));
    }

    /** Seeded input within the 5 s bound, plus one event 2 h late and one from 2099, in the second half. */
    private static List<List<EnrichedEvent>> inputWithOddities(long seed, int perPartition) {
        List<List<EnrichedEvent>> input = EnrichedInput.random(seed, 4, perPartition, 240, 8, T0, 400, 4_000);
        List<List<EnrichedEvent>> result = new ArrayList<>();
        for (List<EnrichedEvent> p : input) {
            result.add(new ArrayList<>(p));
        }
        int mid = perPartition * 3 / 4;
        EnrichedEvent anchor = result.get(1).get(mid);
        result.get(1).add(mid, event("late-2h", EventType.ORDER, anchor.customerId(), "cat-1", anchor.ts() - 7_200_000));
        EnrichedEvent future = result.get(2).get(mid);
        result.get(2).add(mid, event("from-2099", EventType.VIEW, future.customerId(), "cat-2",
                Instant.parse("2099-06-01T00:00:00Z").toEpochMilli()));
        return result;
    }

    /**
     * A first event per partition, consumed and checkpointed before the bulk arrives: every source
     * instance is running and every partition takes part in the watermark from the start.
     */
    private static void warmUp(JobConfig config, List<List<EnrichedEvent>> input) throws Exception {
        EnrichedInput.write(kafka, config.get(ShopOptions.TOPIC_ENRICHED), EnrichedInput.slice(input, 0, 1));
        awaitConsumed(config);
    }

    /** Writes events {@code from} onwards in {@code chunks} slices with a pause, so checkpoints complete in between. */
    private static void writePaced(String topic, List<List<EnrichedEvent>> input, int from, int chunks)
            throws InterruptedException {
        int longest = input.stream().mapToInt(List::size).max().orElse(0);
        for (int c = 0; c < chunks; c++) {
            int a = from + (longest - from) * c / chunks;
            int b = from + (longest - from) * (c + 1) / chunks;
            EnrichedInput.write(kafka, topic, EnrichedInput.slice(input, a, b));
            Thread.sleep(250);
        }
    }

    private static <T> List<T> read(String topic, Class<T> type) {
        List<T> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(topic)) {
            try {
                T value = Json.MAPPER.readValue(r.value(), type);
                if (value instanceof CategoryStats s) {
                    assertThat(new String(r.key())).isEqualTo(s.key());
                }
                values.add(value);
            } catch (IOException e) {
                throw new AssertionError("unreadable " + new String(r.value()), e);
            }
        }
        return values;
    }

    private static List<CategoryStats> sorted(List<CategoryStats> stats) {
        List<CategoryStats> list = new ArrayList<>(stats);
        list.sort(BY_KEY_AND_REVISION);
        return list;
    }

    private static List<String> ids(List<EnrichedEvent> events) {
        return events.stream().map(EnrichedEvent::eventId).sorted().toList();
    }

    /** Output equals the oracle's exactly, and every event is counted once (final revision or late). */
    private static void assertExactlyTheOracle(JobConfig config, List<List<EnrichedEvent>> input) {
        assertExactlyTheOracle(config, input, List.of("from-2099", "late-2h"));
    }

    private static void assertExactlyTheOracle(JobConfig config, List<List<EnrichedEvent>> input, List<String> lateIds) {
        PlainCategoryStats.Result expected = PlainCategoryStats.run(config, input, System.currentTimeMillis());
        List<CategoryStats> stats = read(config.get(ShopOptions.TOPIC_CATEGORY_STATS), CategoryStats.class);
        List<EnrichedEvent> late = read(config.get(ShopOptions.TOPIC_CATEGORY_STATS_LATE), EnrichedEvent.class);
        assertThat(ids(late)).as("late events").isEqualTo(ids(expected.late())).containsExactlyElementsOf(lateIds);
        assertThat(sorted(stats)).isEqualTo(sorted(expected.stats()));

        long total = input.stream().mapToLong(List::size).sum();
        long counted = FinalRevisions.eventsCounted(expected.stats());
        assertThat(counted + late.size()).isEqualTo(total);
        assertThat(stats).hasSizeGreaterThan(30);
    }

    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void failureMidWindowAfterACheckpointGivesExactlyTheFailureFreeOutput(String backend) throws Exception {
        String prefix = "fail-" + backend + ".";
        JobConfig config = config(prefix, 4, backend);
        List<List<EnrichedEvent>> input = inputWithOddities(11, 800);
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);

        FailOnceAfterCheckpoint.reset();
        JobClient job = start(config, 2, null, 1_600, true);
        warmUp(config, input);
        writePaced(topic, input, 1, 10);
        EnrichedInput.writeRaw(kafka, topic, 3, "c-x", "{\"eventId\":");
        awaitConsumed(config);
        EnrichedInput.stop(job, true, dir.resolve(prefix + "savepoints").toUri().toString());

        assertThat(FailOnceAfterCheckpoint.hasFailed()).as("the failure was injected").isTrue();
        assertExactlyTheOracle(config, input);
        List<DeadLetter> deadLetters = read(config.get(ShopOptions.TOPIC_DLQ), DeadLetter.class);
        assertThat(deadLetters).singleElement().satisfies(d -> assertThat(d.job()).isEqualTo(CategoryStatsJob.NAME));
    }

    /** Savepoints are in Flink's canonical format, so one backend is enough here (RocksDB, the default). */
    @Test
    void stopWithSavepointAndResumeAtParallelismOneAndBackGivesTheSameOutput() throws Exception {
        String prefix = "rescale.";
        JobConfig config = config(prefix, 4, "rocksdb");
        List<List<EnrichedEvent>> input = inputWithOddities(23, 600);
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        String savepoints = dir.resolve(prefix + "savepoints").toUri().toString();

        JobClient job = start(config, 2, null, -1, true);
        warmUp(config, input);
        writePaced(topic, EnrichedInput.slice(input, 0, 200), 1, 2);
        awaitConsumed(config);
        String savepoint = EnrichedInput.stop(job, false, savepoints);

        job = start(config, 1, savepoint, -1, true);
        writePaced(topic, EnrichedInput.slice(input, 0, 400), 200, 2);
        awaitConsumed(config);
        savepoint = EnrichedInput.stop(job, false, savepoints);

        job = start(config, 2, savepoint, -1, true);
        writePaced(topic, input, 400, 2);
        awaitConsumed(config);
        EnrichedInput.stop(job, true, savepoints);

        assertExactlyTheOracle(config, input);
    }

    /**
     * The scenario of the "watermark never goes back" rule: a window fired and was purged, a
     * checkpoint completed, then the job fails on a late event for that window and replays it.
     * With the kept watermark the event goes to the late topic; the naive graph re-emits the
     * window with only that event, which on the compacted topic would replace the right totals.
     */
    @ParameterizedTest(name = "keep watermark: {0}")
    @ValueSource(booleans = {true, false})
    void aLateEventReplayedAfterARestoreNeverOverwritesAClosedWindow(boolean keepWatermark) throws Exception {
        String prefix = "replay-" + keepWatermark + ".";
        JobConfig config = config(prefix, 1, "hashmap");
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        String statsTopic = config.get(ShopOptions.TOPIC_CATEGORY_STATS);

        List<EnrichedEvent> before = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            before.add(event("b" + i, EventType.VIEW, "c" + i, "books", T0 + i * 1_000));
        }
        for (int s = 10; s <= 200; s += 10) {
            before.add(event("t" + s, EventType.VIEW, "c9", "toys", T0 + s * 1_000L));
        }
        FailOnceAfterCheckpoint.reset();
        JobClient job = start(config, 1, null, before.size(), keepWatermark);
        EnrichedInput.write(kafka, topic, List.of(before));
        // Window [T0+120s, T0+180s) committed: [T0, T0+60s) has fired and been purged before a completed checkpoint.
        awaitStats(statsTopic, s -> s.windowStart() == T0 + 120_000);
        Thread.sleep(1_000);

        EnrichedEvent late = event("late", EventType.VIEW, "c7", "books", T0 + 30_000);
        EnrichedInput.write(kafka, topic, List.of(List.of(late)));
        List<EnrichedEvent> after = new ArrayList<>();
        for (int s = 210; s <= 400; s += 10) {
            after.add(event("t" + s, EventType.VIEW, "c9", "toys", T0 + s * 1_000L));
        }
        EnrichedInput.write(kafka, topic, List.of(after));
        awaitConsumed(config);
        EnrichedInput.stop(job, true, dir.resolve(prefix + "savepoints").toUri().toString());
        assertThat(FailOnceAfterCheckpoint.hasFailed()).as("the failure was injected on the late event").isTrue();

        List<CategoryStats> books = read(statsTopic, CategoryStats.class).stream()
                .filter(s -> s.category().equals("books")).toList();
        List<EnrichedEvent> lateTopic = read(config.get(ShopOptions.TOPIC_CATEGORY_STATS_LATE), EnrichedEvent.class);
        CategoryStats right = new CategoryStats("books", T0, T0 + 60_000, 5, 0, 0, 0, 0, 5, 0);
        if (keepWatermark) {
            assertThat(books).containsExactly(right);
            assertThat(lateTopic).containsExactly(late);
        } else {
            // What the WatermarkKeeper prevents: a second revision 0 with a partial count, the event in no late topic.
            assertThat(books).containsExactly(right, new CategoryStats("books", T0, T0 + 60_000, 1, 0, 0, 0, 0, 1, 0));
            assertThat(lateTopic).isEmpty();
        }
    }

    @Test
    void idlePartitionsDoNotHoldWindowsBackAndAnAllIdleInputResumes() throws Exception {
        String prefix = "idle.";
        JobConfig config = config(prefix, 4, "hashmap", "--source.idle-timeout", "500 ms");
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        String statsTopic = config.get(ShopOptions.TOPIC_CATEGORY_STATS);
        List<EnrichedEvent> first = new ArrayList<>();
        for (int s = 0; s < 180; s += 5) {
            first.add(event("a" + s, EventType.VIEW, "c1", "books", T0 + s * 1_000L));
        }
        JobClient job = start(config, 2, null, -1, true);
        try {
            // Only partition 0 has data; 1 to 3 never do.
            EnrichedInput.write(kafka, topic, List.of(first));
            List<CategoryStats> fired = awaitStats(statsTopic, s -> s.windowStart() == T0 + 60_000);
            assertThat(fired).contains(new CategoryStats("books", T0, T0 + 60_000, 12, 0, 0, 0, 0, 1, 0));

            // Now every partition is idle. Data comes back and windows fire again.
            Thread.sleep(2_000);
            List<EnrichedEvent> second = new ArrayList<>();
            for (int s = 180; s < 400; s += 5) {
                second.add(event("b" + s, EventType.ADD_TO_CART, "c2", "books", T0 + s * 1_000L));
            }
            EnrichedInput.write(kafka, topic, List.of(second));
            fired = awaitStats(statsTopic, s -> s.windowStart() == T0 + 300_000);
            assertThat(fired).contains(new CategoryStats("books", T0 + 240_000, T0 + 300_000, 0, 12, 0, 0, 0, 1, 0));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * What a failover upstream looks like from here: data flows, then nothing on any partition for
     * longer than the idle timeout (every partition idle), then the backlog on all partitions at
     * once. The consumer hands the backlog over one partition at a time; if the first one moved
     * the watermark alone, the others' events would be late. The output must be exactly that of
     * a steady run: every window once, revision 0, nothing late.
     */
    @Test
    void aBacklogAfterEveryPartitionWasIdleGivesExactlyTheOutputOfASteadyRun() throws Exception {
        String prefix = "backlog.";
        // Allowed lateness 1 ms: any event overtaken by the watermark would show as a revision or as late.
        JobConfig config = config(prefix, 4, "hashmap", "--source.idle-timeout", "1 s",
                "--category-stats.allowed-lateness", "1 ms");
        List<List<EnrichedEvent>> input = EnrichedInput.random(31, 4, 3_000, 300, 6, T0, 400, 4_000);
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);

        JobClient job = start(config, 2, null, -1, true);
        EnrichedInput.write(kafka, topic, EnrichedInput.slice(input, 0, 100));
        awaitConsumed(config);
        Thread.sleep(3_000); // every partition idle
        List<List<EnrichedEvent>> backlog = EnrichedInput.slice(input, 100, 3_000);
        for (int p = 0; p < backlog.size(); p++) { // partition by partition
            List<List<EnrichedEvent>> onePartition = new ArrayList<>();
            for (int q = 0; q < backlog.size(); q++) {
                onePartition.add(q == p ? backlog.get(q) : List.of());
            }
            EnrichedInput.write(kafka, topic, onePartition);
        }
        awaitConsumed(config);
        EnrichedInput.stop(job, true, dir.resolve(prefix + "savepoints").toUri().toString());

        PlainCategoryStats.Result expected = PlainCategoryStats.run(config, input, System.currentTimeMillis());
        assertThat(expected.late()).isEmpty();
        assertThat(expected.stats()).allSatisfy(s -> assertThat(s.revision()).isZero()).hasSizeGreaterThan(100);
        assertThat(read(config.get(ShopOptions.TOPIC_CATEGORY_STATS_LATE), EnrichedEvent.class)).as("late events").isEmpty();
        assertThat(sorted(read(config.get(ShopOptions.TOPIC_CATEGORY_STATS), CategoryStats.class)))
                .isEqualTo(sorted(expected.stats()));
    }

    /**
     * After a restore the watermark moves as soon as every partition has delivered, not after a
     * fixed wait: with a 10-minute idle timeout (the old grace after a restore), the next window
     * still fires within the minute.
     */
    @Test
    void afterARestoreWindowsFireWithoutWaitingForTheIdleTimeout() throws Exception {
        String prefix = "restore-fast.";
        JobConfig config = config(prefix, 4, "hashmap", "--source.idle-timeout", "10 min");
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        String statsTopic = config.get(ShopOptions.TOPIC_CATEGORY_STATS);
        List<List<EnrichedEvent>> before = new ArrayList<>();
        List<List<EnrichedEvent>> after = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            List<EnrichedEvent> b = new ArrayList<>();
            List<EnrichedEvent> a = new ArrayList<>();
            for (int s = 0; s < 300; s += 10) {
                (s < 130 ? b : a).add(event("r" + p + "-" + s, EventType.VIEW, "c-" + p, "books", T0 + s * 1_000L + p));
            }
            before.add(b);
            after.add(a);
        }
        EnrichedInput.write(kafka, topic, before);
        JobClient job = start(config, 2, null, -1, true);
        awaitStats(statsTopic, s -> s.windowStart() == T0);
        awaitConsumed(config);
        String savepoint = EnrichedInput.stop(job, false, dir.resolve(prefix + "savepoints").toUri().toString());

        EnrichedInput.write(kafka, topic, after);
        job = start(config, 1, savepoint, -1, true);
        try {
            List<CategoryStats> fired = awaitStats(statsTopic, s -> s.windowStart() == T0 + 180_000);
            assertThat(fired).contains(new CategoryStats("books", T0 + 120_000, T0 + 180_000, 24, 0, 0, 0, 0, 4, 0));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A backfill from a point in time ({@code source.starting-offsets timestamp:...}): the job
     * reads what was written from that instant on, and nothing before it.
     */
    @Test
    void aBackfillFromATimestampReadsOnlyWhatWasWrittenFromThen() throws Exception {
        String prefix = "backfill.";
        List<EnrichedEvent> old = new ArrayList<>();
        List<EnrichedEvent> recent = new ArrayList<>();
        for (int s = 0; s < 120; s += 10) {
            old.add(event("old" + s, EventType.VIEW, "c1", "garden", T0 + s * 1_000L));
            recent.add(event("new" + s, EventType.ORDER, "c2", "toys", T0 + s * 1_000L));
        }
        JobConfig probe = config(prefix, 1, "hashmap");
        String topic = probe.get(ShopOptions.TOPIC_ENRICHED);
        EnrichedInput.write(kafka, topic, List.of(old));
        Thread.sleep(50);
        Instant from = Instant.now();
        Thread.sleep(50);
        EnrichedInput.write(kafka, topic, List.of(recent));

        JobConfig config = CategoryStatsJob.JOB.config(configArgs(prefix, "hashmap",
                "--source.starting-offsets", "timestamp:" + from).toArray(String[]::new));
        JobClient job = start(config, 1, null, -1, true);
        awaitConsumed(config);
        EnrichedInput.stop(job, true, dir.resolve(prefix + "savepoints").toUri().toString());

        List<CategoryStats> stats = read(config.get(ShopOptions.TOPIC_CATEGORY_STATS), CategoryStats.class);
        assertThat(stats).extracting(CategoryStats::category).containsOnly("toys");
        assertThat(stats.stream().mapToLong(CategoryStats::orders).sum()).isEqualTo(recent.size());
    }

    /**
     * The consumer group's offsets follow the completed checkpoints also when nothing more
     * arrives. Kafka's reader queues the commit behind a fetch that waits up to 10 s on a quiet
     * topic; lag monitoring, a restart from {@code committed} offsets and every test that waits
     * for its input to be consumed read these offsets. With 200 ms checkpoints, 5 s is 25 of them.
     */
    @Test
    void theGroupsOffsetsFollowTheCheckpointsOnAQuietTopic() throws Exception {
        String prefix = "commit.";
        JobConfig config = config(prefix, 2, "hashmap");
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        JobClient job = start(config, 1, null, -1, true);
        try {
            EnrichedInput.write(kafka, topic, List.of(
                    List.of(event("a0", EventType.VIEW, "c-0", "books", T0)),
                    List.of(event("a1", EventType.VIEW, "c-1", "books", T0 + 1))));
            awaitConsumed(config); // start-up included
            EnrichedInput.write(kafka, topic, List.of(
                    List.of(event("b0", EventType.VIEW, "c-0", "books", T0 + 2_000)),
                    List.of(event("b1", EventType.VIEW, "c-1", "books", T0 + 2_001))));
            EnrichedInput.awaitConsumed(kafka, group(config), topic, Duration.ofSeconds(5));
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Polls the committed output until a record matches (without stopping the job). */
    private static List<CategoryStats> awaitStats(String topic, Predicate<CategoryStats> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<CategoryStats> stats = read(topic, CategoryStats.class);
            if (stats.stream().anyMatch(wanted)) {
                return stats;
            }
            assertThat(System.nanoTime()).as("waiting for a window in " + topic + ", got " + stats).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /**
     * Contract rule 4: one input with events far behind the stream, read paced, as a backlog, as a
     * backlog with a failure after a checkpoint, and resumed from a savepoint at another
     * parallelism, gives the oracle's windows every time, and every far-behind event is late. With
     * a wall-clock grace after each (re)start it would not: what arrived within the grace counted.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ReplayScenario.Mode.class)
    void theSameInputGivesTheSameWindowsHoweverFastItIsReadAndRestarted(ReplayScenario.Mode mode) throws Exception {
        String prefix = "replays-" + mode + ".";
        JobConfig config = config(prefix, 4, "hashmap", "--source.idle-timeout", "30 s");
        List<List<EnrichedEvent>> input = ReplayScenario.input(23);
        ReplayScenario.run(mode, kafka, config, group(config), input,
                (c, parallelism, savepoint, failAfter) -> start(c, parallelism, savepoint, failAfter, true),
                dir.resolve(prefix + "savepoints").toUri().toString());
        assertExactlyTheOracle(config, input, ReplayScenario.farBehindIds(input));
    }
}
