package io.shopstream.categorystats;

import static io.shopstream.testkit.EnrichedInput.event;
import static io.shopstream.testkit.EnrichedInput.ids;
import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.model.CategoryStats;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.EventType;
import io.shopstream.testkit.EnrichedInput;
import io.shopstream.testkit.FailOnceAfterCheckpoint;
import io.shopstream.testkit.JobTestbed;
import io.shopstream.testkit.ReplayScenario;
import io.shopstream.testkit.WindowJobRuns;
import io.shopstream.testkit.WindowOutput;
import io.shopstream.testkit.compare.FinalRevisions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
    static final JobTestbed BED = JobTestbed.of(CategoryStatsJob.JOB);

    private static final long T0 = Instant.parse("2025-11-27T10:00:00Z").toEpochMilli();
    private static final WindowOutput<CategoryStats> OUTPUT = new WindowOutput<>(ShopOptions.TOPIC_CATEGORY_STATS,
            ShopOptions.TOPIC_CATEGORY_STATS_LATE, CategoryStats.class, CategoryStats::key,
            Comparator.comparing(CategoryStats::category)
                    .thenComparingLong(CategoryStats::windowStart)
                    .thenComparingInt(CategoryStats::revision));

    /** Fresh topics and the job's configuration for them: idle after 2 s unless {@code extra} says otherwise. */
    private static JobConfig config(int partitions, String backend, String... extra) {
        return config(BED.createTopics(partitions), backend, extra);
    }

    private static JobConfig config(String prefix, String backend, String... extra) {
        List<String> args = new ArrayList<>(List.of("--source.idle-timeout", "2 s"));
        args.addAll(List.of(extra));
        return BED.config(prefix, backend, args.toArray(String[]::new));
    }

    private static List<CategoryStats> stats(JobConfig config) {
        return OUTPUT.results(BED, config);
    }

    /** Output equals the oracle's exactly, and every event is counted once (final revision or late). */
    private static void assertExactlyTheOracle(JobConfig config, List<List<EnrichedEvent>> input,
            List<String> lateIds) {
        PlainCategoryStats.Result expected = PlainCategoryStats.run(config, input, System.currentTimeMillis());
        List<CategoryStats> stats = OUTPUT.assertExactly(BED, config, expected.stats(), expected.late(), lateIds);
        long total = input.stream().mapToLong(List::size).sum();
        assertThat(FinalRevisions.eventsCounted(expected.stats()) + expected.late().size()).isEqualTo(total);
        assertThat(stats).hasSizeGreaterThan(30);
    }

    /** Polls the committed output until a record matches (without stopping the job). */
    private static List<CategoryStats> awaitStats(JobConfig config, Predicate<CategoryStats> wanted) {
        return BED.awaitOutput(config.get(ShopOptions.TOPIC_CATEGORY_STATS), CategoryStats.class, CategoryStats::key,
                stats -> stats.stream().anyMatch(wanted), "the window awaited");
    }

    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void failureMidWindowAfterACheckpointGivesExactlyTheFailureFreeOutput(String backend) throws Exception {
        JobConfig config = config(4, backend);
        List<List<EnrichedEvent>> input = EnrichedInput.withOddities(11, 800, T0);
        WindowJobRuns.withAFailure(BED, config, input, CategoryStatsJob.TAP_EVENTS, 1_600);

        assertExactlyTheOracle(config, input, EnrichedInput.ODDITIES);
        assertThat(BED.read(config.get(ShopOptions.TOPIC_DLQ), DeadLetter.class))
                .singleElement().satisfies(d -> assertThat(d.job()).isEqualTo(CategoryStatsJob.NAME));
    }

    /** Savepoints are in Flink's canonical format, so one backend is enough here (RocksDB, the default). */
    @Test
    void stopWithSavepointAndResumeAtParallelismOneAndBackGivesTheSameOutput() throws Exception {
        JobConfig config = config(4, "rocksdb");
        List<List<EnrichedEvent>> input = EnrichedInput.withOddities(23, 600, T0);
        WindowJobRuns.rescaled(BED, config, input, Duration.ZERO);
        assertExactlyTheOracle(config, input, EnrichedInput.ODDITIES);
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
        JobConfig config = config(1, "hashmap");
        List<EnrichedEvent> before = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            before.add(event("b" + i, EventType.VIEW, "c" + i, "books", T0 + i * 1_000));
        }
        for (int s = 10; s <= 200; s += 10) {
            before.add(event("t" + s, EventType.VIEW, "c9", "toys", T0 + s * 1_000L));
        }
        EnrichedEvent late = event("late", EventType.VIEW, "c7", "books", T0 + 30_000);
        List<EnrichedEvent> after = new ArrayList<>(List.of(late));
        for (int s = 210; s <= 400; s += 10) {
            after.add(event("t" + s, EventType.VIEW, "c9", "toys", T0 + s * 1_000L));
        }
        FailOnceAfterCheckpoint.Injection failure = BED.failOnceAfterCheckpoint();
        JobHooks hooks = JobHooks.NONE.tap(CategoryStatsJob.TAP_EVENTS, failure.tap(before.size()));
        // Window [T0+120s, T0+180s) committed: [T0, T0+60s) has fired and been purged before a
        // completed checkpoint, and the injector is armed.
        WindowJobRuns.inTwoBatches(BED, config, keepWatermark ? hooks : hooks.withoutWatermarkKeeper(), before,
                () -> stats(config).stream().anyMatch(s -> s.windowStart() == T0 + 120_000), after);
        assertThat(failure.hasFailed()).as("the failure was injected on the late event").isTrue();

        List<CategoryStats> books = stats(config).stream().filter(s -> s.category().equals("books")).toList();
        CategoryStats right = new CategoryStats("books", T0, T0 + 60_000, 5, 0, 0, 0, 0, 5, 0);
        if (keepWatermark) {
            assertThat(books).containsExactly(right);
            assertThat(OUTPUT.late(BED, config)).containsExactly(late);
        } else {
            // What the WatermarkKeeper prevents: a second revision 0 with a partial count, the event in no late topic.
            assertThat(books).containsExactly(right, new CategoryStats("books", T0, T0 + 60_000, 1, 0, 0, 0, 0, 1, 0));
            assertThat(OUTPUT.late(BED, config)).isEmpty();
        }
    }

    @Test
    void idlePartitionsDoNotHoldWindowsBackAndAnAllIdleInputResumes() throws Exception {
        JobConfig config = config(4, "hashmap", "--source.idle-timeout", "500 ms");
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        List<EnrichedEvent> first = new ArrayList<>();
        for (int s = 0; s < 180; s += 5) {
            first.add(event("a" + s, EventType.VIEW, "c1", "books", T0 + s * 1_000L));
        }
        BED.start(config, 2, JobHooks.NONE);
        // Only partition 0 has data; 1 to 3 never do.
        EnrichedInput.write(BED.kafka(), topic, List.of(first));
        List<CategoryStats> fired = awaitStats(config, s -> s.windowStart() == T0 + 60_000);
        assertThat(fired).contains(new CategoryStats("books", T0, T0 + 60_000, 12, 0, 0, 0, 0, 1, 0));

        // Now every partition is idle: nothing to observe from outside but the idle timeout passing.
        Thread.sleep(2_000);
        List<EnrichedEvent> second = new ArrayList<>();
        for (int s = 180; s < 400; s += 5) {
            second.add(event("b" + s, EventType.ADD_TO_CART, "c2", "books", T0 + s * 1_000L));
        }
        EnrichedInput.write(BED.kafka(), topic, List.of(second));
        fired = awaitStats(config, s -> s.windowStart() == T0 + 300_000);
        assertThat(fired).contains(new CategoryStats("books", T0 + 240_000, T0 + 300_000, 0, 12, 0, 0, 0, 1, 0));
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
        // Allowed lateness 1 ms: any event overtaken by the watermark would show as a revision or as late.
        JobConfig config = config(4, "hashmap", "--source.idle-timeout", "1 s",
                "--category-stats.allowed-lateness", "1 ms");
        List<List<EnrichedEvent>> input = EnrichedInput.random(31, 4, 3_000, 300, 6, T0, 400, 4_000);
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);

        JobClient job = BED.start(config, 2, JobHooks.NONE);
        EnrichedInput.write(BED.kafka(), topic, EnrichedInput.slice(input, 0, 100));
        BED.awaitConsumed(config);
        Thread.sleep(3_000); // every partition idle: the idle timeout passing
        List<List<EnrichedEvent>> backlog = EnrichedInput.slice(input, 100, 3_000);
        for (int p = 0; p < backlog.size(); p++) { // partition by partition
            List<List<EnrichedEvent>> onePartition = new ArrayList<>();
            for (int q = 0; q < backlog.size(); q++) {
                onePartition.add(q == p ? backlog.get(q) : List.of());
            }
            EnrichedInput.write(BED.kafka(), topic, onePartition);
        }
        BED.awaitConsumed(config);
        BED.stop(job, true);

        PlainCategoryStats.Result expected = PlainCategoryStats.run(config, input, System.currentTimeMillis());
        assertThat(expected.late()).isEmpty();
        assertThat(expected.stats()).allSatisfy(s -> assertThat(s.revision()).isZero()).hasSizeGreaterThan(100);
        assertThat(OUTPUT.late(BED, config)).as("late events").isEmpty();
        assertThat(OUTPUT.sorted(stats(config))).isEqualTo(OUTPUT.sorted(expected.stats()));
    }

    /**
     * After a restore the watermark moves as soon as every partition has delivered, not after a
     * fixed wait: with a 10-minute idle timeout (the old grace after a restore), the next window
     * still fires within the minute.
     */
    @Test
    void afterARestoreWindowsFireWithoutWaitingForTheIdleTimeout() throws Exception {
        JobConfig config = config(4, "hashmap", "--source.idle-timeout", "10 min");
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
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
        EnrichedInput.write(BED.kafka(), topic, before);
        JobClient job = BED.start(config, 2, JobHooks.NONE);
        awaitStats(config, s -> s.windowStart() == T0);
        BED.awaitConsumed(config);
        String savepoint = BED.stop(job, false);

        EnrichedInput.write(BED.kafka(), topic, after);
        BED.start(config, 1, JobHooks.NONE, savepoint);
        long restarted = System.nanoTime();
        List<CategoryStats> fired = awaitStats(config, s -> s.windowStart() == T0 + 180_000);
        assertThat((System.nanoTime() - restarted) / 1e9).as("seconds until the window fired").isLessThan(60);
        assertThat(fired).contains(new CategoryStats("books", T0 + 120_000, T0 + 180_000, 24, 0, 0, 0, 0, 4, 0));
    }

    /**
     * A backfill from a point in time ({@code source.starting-offsets timestamp:...}): the job
     * reads what was written from that instant on, and nothing before it.
     */
    @Test
    void aBackfillFromATimestampReadsOnlyWhatWasWrittenFromThen() throws Exception {
        List<EnrichedEvent> old = new ArrayList<>();
        List<EnrichedEvent> recent = new ArrayList<>();
        for (int s = 0; s < 120; s += 10) {
            old.add(event("old" + s, EventType.VIEW, "c1", "garden", T0 + s * 1_000L));
            recent.add(event("new" + s, EventType.ORDER, "c2", "toys", T0 + s * 1_000L));
        }
        String prefix = BED.createTopics(1);
        String topic = config(prefix, "hashmap").get(ShopOptions.TOPIC_ENRICHED);
        EnrichedInput.write(BED.kafka(), topic, List.of(old));
        // Broker timestamps are in milliseconds: the instant lies strictly between the two writes.
        Thread.sleep(50);
        Instant from = Instant.now();
        Thread.sleep(50);
        EnrichedInput.write(BED.kafka(), topic, List.of(recent));

        JobConfig config = config(prefix, "hashmap", "--source.starting-offsets", "timestamp:" + from);
        JobClient job = BED.start(config, 1, JobHooks.NONE);
        BED.awaitConsumed(config);
        BED.stop(job, true);

        List<CategoryStats> stats = stats(config);
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
        JobConfig config = config(2, "hashmap");
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        BED.start(config, 1, JobHooks.NONE);
        EnrichedInput.write(BED.kafka(), topic, List.of(
                List.of(event("a0", EventType.VIEW, "c-0", "books", T0)),
                List.of(event("a1", EventType.VIEW, "c-1", "books", T0 + 1))));
        BED.awaitConsumed(config); // start-up included
        EnrichedInput.write(BED.kafka(), topic, List.of(
                List.of(event("b0", EventType.VIEW, "c-0", "books", T0 + 2_000)),
                List.of(event("b1", EventType.VIEW, "c-1", "books", T0 + 2_001))));
        BED.awaitConsumed(config, List.of(ShopOptions.TOPIC_ENRICHED), Duration.ofSeconds(5));
    }

    /**
     * Every counter of the job, exactly: what was accepted and dead-lettered, the event from the
     * future, the event too late for its window, and every window written (a late event within
     * the lateness is one more revision).
     */
    @Test
    void everyCounterCountsExactlyWhatHappened() throws Exception {
        JobConfig config = config(1, "hashmap");
        List<EnrichedEvent> first = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            first.add(event("b" + i, EventType.VIEW, "c" + i, "books", T0 + i * 1_000L)); // [T0, T0+60s)
        }
        long future = Instant.parse("2099-06-01T00:00:00Z").toEpochMilli();
        first.add(event("from-2099", EventType.VIEW, "c1", "books", future));
        for (long s : new long[] {70, 130, 200}) {
            first.add(event("t" + s, EventType.VIEW, "c9", "toys", T0 + s * 1_000));
        }
        EnrichedInput.writeRaw(BED.kafka(), config.get(ShopOptions.TOPIC_ENRICHED), 0, "c-x", "{\"eventId\":");
        // Once the watermark has passed T0+180s ([T0+120s, T0+180s) fired), [T0, T0+60s) is past its lateness.
        JobClient job = WindowJobRuns.inTwoBatches(BED, config, JobHooks.NONE, first,
                () -> stats(config).stream().anyMatch(s -> s.windowStart() == T0 + 120_000),
                List.of(event("too-late", EventType.VIEW, "c1", "books", T0 + 5_000),
                        event("revision", EventType.VIEW, "c9", "toys", T0 + 150_000)));

        // books [T0, +60s), toys [+60s, +120s), [+120s, +180s) twice, [+180s, +240s) at the drain.
        assertThat(stats(config)).hasSize(5);
        assertThat(ids(OUTPUT.late(BED, config))).containsExactly("from-2099", "too-late");
        assertThat(BED.counters(job)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Validate enriched.accepted", 16L,
                "Validate enriched.deadLettered", 1L,
                "Route events from the future.eventsFromTheFuture", 1L,
                "Category totals per window.windowsEmitted", 5L,
                "Count late events.lateEvents", 1L));
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
        JobConfig config = config(4, "hashmap", "--source.idle-timeout", "30 s");
        List<List<EnrichedEvent>> input = ReplayScenario.input(23);
        ReplayScenario.run(mode, BED, config, input, CategoryStatsJob.TAP_EVENTS);
        assertExactlyTheOracle(config, input, ReplayScenario.farBehindIds(input));
    }
}
