package io.shopstream.testkit;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;

/**
 * One input for the windowing jobs (category-stats, sessions), read four ways that must give the
 * same output: paced, as a backlog read as fast as possible, as a backlog with a failure after a
 * completed checkpoint, and as a backlog resumed from a savepoint at another parallelism (1, then 2). The input
 * holds events {@link #FAR_BEHIND} behind the stream at several points, among them the first record
 * of every partition after the savepoint: each of them is late in every run, whatever the wall
 * clock did meanwhile.
 */
public final class ReplayScenario {

    /** How far behind the stream the odd events are (the replay case of a backfill at 60x: 45 min of event time in 45 s). */
    public static final Duration FAR_BEHIND = Duration.ofMinutes(45);

    private static final long T0 = Instant.parse("2025-11-27T10:00:00Z").toEpochMilli();
    private static final int PARTITIONS = 4;
    private static final int PER_PARTITION = 1_200;
    /** Where the savepoint of {@link Mode#RESUMED_AT_ANOTHER_PARALLELISM} falls (index in each partition). */
    private static final int RESUME_AT = 700;

    /**
     * A fresh start on a backlog reads it with one source instance: at parallelism 2 an instance
     * that starts reading a moment before the other can read far ahead of it before Flink's
     * watermark alignment, which acts on reports once a second, catches up (see the note in
     * EventTimeSource). Restores and the paced run use parallelism 2.
     */
    private static final int BACKLOG_PARALLELISM = 1;

    public enum Mode {
        PACED,
        BACKLOG,
        BACKLOG_WITH_A_FAILURE,
        RESUMED_AT_ANOTHER_PARALLELISM
    }

    private ReplayScenario() {}

    /**
     * Seeded enriched events (one event-time clock for the topic, disorder within 4 s) with an
     * event {@link #FAR_BEHIND} behind the stream at several points of every partition, and in
     * every partition at {@link #RESUME_AT}.
     */
    public static List<List<EnrichedEvent>> input(long seed) {
        List<List<EnrichedEvent>> input = new ArrayList<>();
        for (List<EnrichedEvent> p : EnrichedInput.random(seed, PARTITIONS, PER_PARTITION, 240, 8, T0, 400, 4_000)) {
            input.add(new ArrayList<>(p));
        }
        // Inserted from the back, so that the indexes in front stay where they were. The first
        // point lies beyond what a partition may read ahead before the others are heard from:
        // Kafka's reader hands over what it has fetched, up to 4 polls of 100 records.
        int[] points = {1_100, 850, RESUME_AT};
        for (int at : points) {
            for (int p = 0; p < PARTITIONS; p++) {
                if (at != RESUME_AT && (at / 50 + p) % 2 == 0) {
                    continue; // elsewhere, every other partition
                }
                EnrichedEvent anchor = input.get(p).get(at);
                input.get(p).add(at, EnrichedInput.event("far-" + p + "-" + at, EventType.ORDER, anchor.customerId(),
                        anchor.category(), anchor.ts() - FAR_BEHIND.toMillis()));
            }
        }
        return input;
    }

    /** The ids of the events far behind the stream: the late topics must hold exactly these. */
    public static List<String> farBehindIds(List<List<EnrichedEvent>> input) {
        return input.stream().flatMap(List::stream).map(EnrichedEvent::eventId).filter(id -> id.startsWith("far-"))
                .sorted().toList();
    }

    /**
     * Feeds {@code input} to the testbed's job as {@code mode} says and stops it with a drain (every
     * window fires); a failure is injected at the job's tap point {@code tapPoint}.
     */
    public static void run(Mode mode, JobTestbed bed, JobConfig config, List<List<EnrichedEvent>> input,
            String tapPoint) throws Exception {
        EmbeddedKafka kafka = bed.kafka();
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        int longest = input.stream().mapToInt(List::size).max().orElse(0);
        switch (mode) {
            case PACED -> {
                // Live data: some there when the job starts, the rest arriving while it runs.
                int chunks = 10;
                EnrichedInput.write(kafka, topic, EnrichedInput.slice(input, 0, longest / chunks));
                JobClient client = bed.start(config, 2, JobHooks.NONE);
                for (int c = 1; c < chunks; c++) {
                    Thread.sleep(300); // the pace of the feed, not a wait
                    EnrichedInput.write(kafka, topic,
                            EnrichedInput.slice(input, longest * c / chunks, longest * (c + 1) / chunks));
                }
                finish(bed, config, client);
            }
            case BACKLOG -> {
                EnrichedInput.write(kafka, topic, input);
                finish(bed, config, bed.start(config, BACKLOG_PARALLELISM, JobHooks.NONE));
            }
            case BACKLOG_WITH_A_FAILURE -> {
                // Armed by the first checkpoint after the first half; fails on the first record of
                // the second half, which then is a backlog read again from that checkpoint.
                FailOnceAfterCheckpoint.Injection failure = bed.failOnceAfterCheckpoint();
                EnrichedInput.write(kafka, topic, EnrichedInput.slice(input, 0, longest / 2));
                JobClient client = bed.start(config, BACKLOG_PARALLELISM, JobHooks.NONE.tap(tapPoint, failure.tap(1)));
                bed.awaitConsumed(config);
                EnrichedInput.write(kafka, topic, EnrichedInput.slice(input, longest / 2, longest));
                finish(bed, config, client);
                if (!failure.hasFailed()) {
                    throw new AssertionError("the failure was not injected");
                }
            }
            case RESUMED_AT_ANOTHER_PARALLELISM -> {
                List<List<EnrichedEvent>> before = new ArrayList<>();
                List<List<EnrichedEvent>> after = new ArrayList<>();
                for (int p = 0; p < input.size(); p++) {
                    List<EnrichedEvent> events = input.get(p);
                    String first = "far-" + p + "-" + RESUME_AT;
                    int at = events.stream().map(EnrichedEvent::eventId).toList().indexOf(first);
                    before.add(events.subList(0, at));
                    after.add(events.subList(at, events.size()));
                }
                EnrichedInput.write(kafka, topic, before);
                JobClient client = bed.start(config, BACKLOG_PARALLELISM, JobHooks.NONE);
                bed.awaitConsumed(config);
                String savepoint = bed.stop(client, false);
                EnrichedInput.write(kafka, topic, after);
                finish(bed, config, bed.start(config, 2, JobHooks.NONE, savepoint));
            }
        }
    }

    private static void finish(JobTestbed bed, JobConfig config, JobClient client) throws Exception {
        bed.awaitConsumed(config);
        bed.stop(client, true);
    }
}
