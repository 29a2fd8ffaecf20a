package io.shopstream.sessions;

import static io.shopstream.testkit.EnrichedInput.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.json.Json;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.Session;
import io.shopstream.testkit.ContractTopics;
import io.shopstream.testkit.EmbeddedKafka;
import io.shopstream.testkit.EnrichedInput;
import io.shopstream.testkit.FailOnceAfterCheckpoint;
import io.shopstream.testkit.ReplayScenario;
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
 * sessions on a Flink MiniCluster against a real (in-JVM KRaft) Kafka broker, with heap and
 * RocksDB (incremental) state: read_committed output equals the plain implementation's, with a
 * failure after a completed checkpoint, across stop-with-savepoint and rescaling, and with a late
 * event replayed after a restore.
 */
class SessionsEndToEndTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final long T0 = Instant.parse("2025-11-27T10:00:00Z").toEpochMilli();
    private static final Comparator<Session> ORDER =
            Comparator.comparing(Session::customerId).thenComparingLong(Session::sessionStart);

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

    private static JobConfig config(String prefix, int partitions, String backend, String gap, String... extra) {
        List<String> args = new ArrayList<>(ContractTopics.createAll(kafka, partitions, prefix));
        args.addAll(List.of(
                "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--kafka.group-id-prefix", prefix + "group",
                "--kafka.transactional-id-prefix", prefix + "tx",
                // Longer than any pause in these tests, so that no partition goes idle unless a test
                // waits for it. With 10 s here, a source instance once went idle just before the bulk
                // arrived: awaitConsumed reads the group's offsets, which Kafka's reader committed up
                // to 10 s late on a quiet topic (EventTimeReader now has them follow each checkpoint).
                "--source.idle-timeout", "30 s",
                "--sessions.gap", gap,
                "-Dstate.backend.type=" + backend,
                "-Dexecution.checkpointing.interval=200ms",
                "-Dexecution.checkpointing.dir=" + dir.resolve(prefix + "checkpoints").toUri(),
                "-Drestart-strategy.type=fixed-delay",
                "-Drestart-strategy.fixed-delay.attempts=3",
                "-Drestart-strategy.fixed-delay.delay=200ms"));
        args.addAll(List.of(extra));
        return SessionsJob.JOB.config(args.toArray(String[]::new));
    }

    private static JobClient start(JobConfig config, int parallelism, String savepoint, long failAfter,
            boolean keepWatermark) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(config.flinkConfiguration());
        env.setParallelism(parallelism);
        JobHooks hooks = failAfter < 0
                ? JobHooks.NONE
                : JobHooks.NONE.tap(SessionsJob.TAP_EVENTS, FailOnceAfterCheckpoint.tap(failAfter));
        SessionsJob.JOB.build(env, config, keepWatermark ? hooks : hooks.withoutWatermarkKeeper());
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("sessions under test");
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return env.executeAsync(graph);
    }

    private static void awaitConsumed(JobConfig config) throws Exception {
        EnrichedInput.awaitConsumed(kafka, config.get(ShopOptions.GROUP_ID_PREFIX) + "-" + SessionsJob.NAME,
                config.get(ShopOptions.TOPIC_ENRICHED), Duration.ofSeconds(180));
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

    /** A first event per partition, so that every partition has been read before the bulk arrives. */
    private static void warmUp(JobConfig config, List<List<EnrichedEvent>> input) throws Exception {
        EnrichedInput.write(kafka, config.get(ShopOptions.TOPIC_ENRICHED), EnrichedInput.slice(input, 0, 1));
        awaitConsumed(config);
    }

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
                if (value instanceof Session s) {
                    assertThat(new String(r.key())).isEqualTo(s.customerId());
                }
                values.add(value);
            } catch (IOException e) {
                throw new AssertionError("unreadable " + new String(r.value()), e);
            }
        }
        return values;
    }

    private static List<Session> sorted(List<Session> sessions) {
        List<Session> list = new ArrayList<>(sessions);
        list.sort(ORDER);
        return list;
    }

    private static List<String> ids(List<EnrichedEvent> events) {
        return events.stream().map(EnrichedEvent::eventId).sorted().toList();
    }

    private static void assertExactlyTheOracle(JobConfig config, List<List<EnrichedEvent>> input) {
        assertExactlyTheOracle(config, input, List.of("from-2099", "late-2h"));
    }

    private static void assertExactlyTheOracle(JobConfig config, List<List<EnrichedEvent>> input, List<String> lateIds) {
        PlainSessions.Result expected = PlainSessions.run(config, input, System.currentTimeMillis());
        List<Session> sessions = read(config.get(ShopOptions.TOPIC_SESSIONS), Session.class);
        List<EnrichedEvent> late = read(config.get(ShopOptions.TOPIC_SESSIONS_LATE), EnrichedEvent.class);
        assertThat(ids(late)).as("late events").isEqualTo(ids(expected.late())).containsExactlyElementsOf(lateIds);
        assertThat(sorted(sessions)).isEqualTo(sorted(expected.sessions()));

        long total = input.stream().mapToLong(List::size).sum();
        assertThat(sessions.stream().mapToLong(Session::events).sum() + late.size()).isEqualTo(total);
        assertThat(sessions.stream().filter(s -> s.events() > 1).count()).isGreaterThan(30);
        assertThat(sessions.stream().map(Session::customerId).distinct().count()).isLessThan(sessions.size());
    }

    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void failureMidSessionAfterACheckpointGivesExactlyTheFailureFreeOutput(String backend) throws Exception {
        String prefix = "fail-" + backend + ".";
        JobConfig config = config(prefix, 4, backend, "30 s");
        List<List<EnrichedEvent>> input = inputWithOddities(5, 800);
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
        assertThat(deadLetters).singleElement().satisfies(d -> assertThat(d.job()).isEqualTo(SessionsJob.NAME));
    }

    /** Savepoints are in Flink's canonical format, so one backend is enough here (RocksDB, the default). */
    @Test
    void stopWithSavepointAndResumeAtParallelismOneAndBackGivesTheSameOutput() throws Exception {
        String prefix = "rescale.";
        JobConfig config = config(prefix, 4, "rocksdb", "30 s");
        List<List<EnrichedEvent>> input = inputWithOddities(17, 600);
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
        // Stop after every partition went idle: the source then flushes the highest of its
        // partitions' watermarks, and the kept watermark carries it into the next run.
        Thread.sleep(config.get(ShopOptions.IDLE_TIMEOUT).toMillis() + 1_000);
        savepoint = EnrichedInput.stop(job, false, savepoints);

        job = start(config, 2, savepoint, -1, true);
        writePaced(topic, input, 400, 2);
        awaitConsumed(config);
        EnrichedInput.stop(job, true, savepoints);

        assertExactlyTheOracle(config, input);
    }

    /**
     * A session was emitted and a checkpoint completed; the job then fails on a late event of that
     * session and replays it. With the kept watermark it goes to the late topic; the naive graph
     * emits a second, partial session for the customer.
     */
    @ParameterizedTest(name = "keep watermark: {0}")
    @ValueSource(booleans = {true, false})
    void aLateEventReplayedAfterARestoreNeverReopensAnEmittedSession(boolean keepWatermark) throws Exception {
        String prefix = "replay-" + keepWatermark + ".";
        JobConfig config = config(prefix, 1, "hashmap", "2 min");
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        String sessionsTopic = config.get(ShopOptions.TOPIC_SESSIONS);

        List<EnrichedEvent> before = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            before.add(event("a" + i, EventType.VIEW, "c1", "books", T0 + i * 60_000L));
        }
        for (int s = 300; s <= 600; s += 30) {
            before.add(event("b" + s, EventType.VIEW, "c9", "toys", T0 + s * 1_000L));
        }
        FailOnceAfterCheckpoint.reset();
        JobClient job = start(config, 1, null, before.size(), keepWatermark);
        EnrichedInput.write(kafka, topic, List.of(before));
        awaitSessions(sessionsTopic, s -> s.customerId().equals("c1"));
        Thread.sleep(1_000);

        EnrichedEvent late = event("late", EventType.VIEW, "c1", "books", T0 + 30_000);
        EnrichedInput.write(kafka, topic, List.of(List.of(late)));
        List<EnrichedEvent> after = new ArrayList<>();
        for (int s = 630; s <= 900; s += 30) {
            after.add(event("b" + s, EventType.VIEW, "c9", "toys", T0 + s * 1_000L));
        }
        EnrichedInput.write(kafka, topic, List.of(after));
        awaitConsumed(config);
        EnrichedInput.stop(job, true, dir.resolve(prefix + "savepoints").toUri().toString());
        assertThat(FailOnceAfterCheckpoint.hasFailed()).as("the failure was injected on the late event").isTrue();

        List<Session> c1 = read(sessionsTopic, Session.class).stream().filter(s -> s.customerId().equals("c1")).toList();
        List<EnrichedEvent> lateTopic = read(config.get(ShopOptions.TOPIC_SESSIONS_LATE), EnrichedEvent.class);
        Session right = new Session("c1", T0, T0 + 240_000, 240_000, 5, 5, 0, 0, 0, false);
        if (keepWatermark) {
            assertThat(c1).containsExactly(right);
            assertThat(lateTopic).containsExactly(late);
        } else {
            // What the WatermarkKeeper prevents: a second, partial session, the event in no late topic.
            assertThat(c1).containsExactly(right, new Session("c1", T0 + 30_000, T0 + 30_000, 0, 1, 1, 0, 0, 0, false));
            assertThat(lateTopic).isEmpty();
        }
    }

    private static List<Session> awaitSessions(String topic, Predicate<Session> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<Session> sessions = read(topic, Session.class);
            if (sessions.stream().anyMatch(wanted)) {
                return sessions;
            }
            assertThat(System.nanoTime()).as("waiting for a session in " + topic + ", got " + sessions).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /**
     * A source instance whose partitions were all idle comes back while the other instance reads
     * on. At parallelism 2, partitions 0 and 2 are one instance's and 1 and 3 the other's (Kafka's
     * enumerator deals them round the instances). The operators downstream left the idle instance
     * out, and Flink ignores an instance that comes back below their watermark until it catches
     * up; were it held at its own old watermark, the other instance's backlog would move the
     * watermark past what it delivers next, and those events (ahead of the watermark when it came
     * back) would be late. Held at the source's combined watermark, it takes part at once: nothing
     * is late. This is how the sessions tests failed in CI when one instance went idle 0.1 s
     * before the bulk arrived (issue 13).
     */
    @Test
    void anInstanceBackFromIdleHoldsTheWatermarkWhereTheOthersLeftIt() throws Exception {
        String prefix = "back-from-idle.";
        JobConfig config = config(prefix, 4, "hashmap", "10 s", "--source.idle-timeout", "3 s");
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        List<EnrichedEvent> all = new ArrayList<>();
        JobClient job = start(config, 2, null, -1, true);
        try {
            // Every partition delivers.
            write(topic, all, new int[] {0, 1, 2, 3}, 0, 0, 1);
            awaitConsumed(config);
            // Only partitions 1 and 3 go on, for longer than the idle timeout: 0 and 2 go idle, so
            // the watermark moves with 1 and 3 alone (to 20 s - 5 s).
            for (int i = 1; i <= 10; i++) {
                write(topic, all, new int[] {1, 3}, i * 2_000L, i * 2_000L, 1);
                Thread.sleep(500);
            }
            // 0 and 2 come back just ahead of that watermark; then 1 and 3 bring a backlog that
            // runs 30 s further; then 0 and 2 deliver the rest of theirs.
            write(topic, all, new int[] {0, 2}, 16_000, 17_000, 2);
            awaitConsumed(config);
            write(topic, all, new int[] {1, 3}, 21_000, 50_000, 30);
            awaitConsumed(config);
            write(topic, all, new int[] {0, 2}, 18_000, 24_000, 7);
            awaitConsumed(config);
        } finally {
            EnrichedInput.stop(job, true, dir.resolve(prefix + "savepoints").toUri().toString());
        }
        List<EnrichedEvent> late = read(config.get(ShopOptions.TOPIC_SESSIONS_LATE), EnrichedEvent.class);
        assertThat(ids(late)).as("late events").isEmpty();
        List<Session> sessions = read(config.get(ShopOptions.TOPIC_SESSIONS), Session.class);
        assertThat(sessions.stream().mapToLong(Session::events).sum()).isEqualTo(all.size());
    }

    /** Writes {@code count} events per listed partition, times evenly from {@code from} to {@code to} after T0. */
    private static void write(String topic, List<EnrichedEvent> all, int[] partitions, long from, long to, int count) {
        List<List<EnrichedEvent>> input = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            input.add(new ArrayList<>());
        }
        for (int p : partitions) {
            for (int i = 0; i < count; i++) {
                long ts = T0 + from + (count == 1 ? 0 : (to - from) * i / (count - 1));
                input.get(p).add(event("b" + p + "-" + (all.size() + input.get(p).size()), EventType.VIEW, "c-" + p,
                        "cat-1", ts));
            }
            all.addAll(input.get(p));
        }
        EnrichedInput.write(kafka, topic, input);
    }

    /**
     * Contract rule 4: one input with events far behind the stream, read paced, as a backlog, as a
     * backlog with a failure after a checkpoint, and resumed from a savepoint at another
     * parallelism, gives the oracle's sessions every time, and every far-behind event is late.
     * With a wall-clock grace after each (re)start it would not: what arrived within the grace
     * counted in a session.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ReplayScenario.Mode.class)
    void theSameInputGivesTheSameSessionsHoweverFastItIsReadAndRestarted(ReplayScenario.Mode mode) throws Exception {
        String prefix = "replays-" + mode + ".";
        JobConfig config = config(prefix, 4, "hashmap", "30 s", "--source.idle-timeout", "30 s");
        List<List<EnrichedEvent>> input = ReplayScenario.input(23);
        ReplayScenario.run(mode, kafka, config, config.get(ShopOptions.GROUP_ID_PREFIX) + "-" + SessionsJob.NAME, input,
                (c, parallelism, savepoint, failAfter) -> start(c, parallelism, savepoint, failAfter, true),
                dir.resolve(prefix + "savepoints").toUri().toString());
        assertExactlyTheOracle(config, input, ReplayScenario.farBehindIds(input));
    }
}
