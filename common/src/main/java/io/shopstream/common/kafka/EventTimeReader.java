package io.shopstream.common.kafka;

import io.shopstream.common.time.EventTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink's Kafka reader plus the suite's watermark rules per partition (described in {@link
 * EventTimeSource}): this reader emits each partition's watermark into the partition's own output,
 * and Flink combines the partitions as usual (minimum over the active ones). Everything runs on the
 * task thread except the {@link EndOffsetProbe}, which answers through a queue, ticks, and wakes the
 * task up.
 *
 * <p>One file on purpose, although long: the partitions' state machine ({@link State}), the
 * probe's answers, the pausing for alignment and the delegate reader's own pausing all act on the
 * same per-partition fields on the task thread, and each transition must be read with the others
 * (the order of {@link #look}, {@link #align} and {@link #pauseOrResume} matters).
 */
final class EventTimeReader<T> implements SourceReader<T, KafkaPartitionSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(EventTimeReader.class);

    enum State {
        /** Started reading, nothing delivered yet: holds the watermark; the others wait for it to read ({@link #align}) unless it is at its end. */
        JOINING,
        /** Delivers records; its watermark counts and moves with its events. */
        ACTIVE,
        /** Nothing to read: does not hold the watermark back. */
        IDLE,
        /**
         * Delivered again after being idle: holds the watermark for one idle timeout, at its old
         * one or the source's combined watermark, whichever is higher ({@link #holdAtCombined}).
         */
        RETURNING
    }

    /** One partition: its state, watermark and clocks, changed on the task thread only. */
    private static final class Partition {
        final String splitId;
        final TopicPartition topicPartition;
        final EventTime.PartitionWatermark rule;
        State state = State.JOINING;
        /** The offset it starts from (or a {@link KafkaPartitionSplit} marker), for the probe. */
        final long startingOffset;
        /** The watermark last emitted into its output. */
        long emitted = Long.MIN_VALUE;
        long records;
        long recordsSeen;
        long recordsWhenAsked;
        long quietSince;
        long returnedAt;
        /** The id of the newest question to the probe; answers to older ones are out of date. */
        long question;
        boolean asked;
        boolean hasData;
        /** Joining, and the probe saw nothing to read: it holds the watermark but not the other partitions' reading. */
        boolean atEnd;
        /** Paused by Flink's watermark alignment, by this reader's ({@link #align}), and as Kafka's reader has it. */
        boolean pausedByFlink;
        boolean pausedHere;
        boolean paused;
        SourceOutput<?> output;

        Partition(KafkaPartitionSplit split, EventTime.PartitionWatermark rule, long now) {
            this.splitId = split.splitId();
            this.topicPartition = split.getTopicPartition();
            this.startingOffset = split.getStartingOffset();
            this.rule = rule;
            this.quietSince = now;
        }

    }

    private final SourceReader<T, KafkaPartitionSplit> kafka;
    private final SourceReaderContext context;
    private final EndOffsetProbe probe;
    private final EventTime.Timestamp<T> timestamp;
    private final Duration outOfOrderness;
    private final Duration maxFuture;
    private final long driftMs;
    private final long idleNanos;
    private final Duration tick;
    private final Map<String, Partition> partitions = new LinkedHashMap<>();
    private final List<String> toPause = new ArrayList<>();
    private final List<String> toResume = new ArrayList<>();
    private final Object availability = new Object();
    private CompletableFuture<Void> available = CompletableFuture.completedFuture(null);
    private CompletableFuture<Void> watchedKafkaFuture;
    private volatile boolean lookDue;
    /**
     * Until every reader of the source has registered, nothing is read ({@link
     * StartTogetherEnumerator}): the splits wait here, not in Kafka's reader (which could only be
     * told to pause them once its fetcher has taken them, after its first fetch).
     */
    private boolean started;
    private final List<KafkaPartitionSplit> waiting = new ArrayList<>();
    private long lastLook = System.nanoTime();
    private TrackingOutput tracking;
    /** What the main output says: idle exactly when every partition is ({@link #setState}). */
    private boolean readerIdle;
    /**
     * This instance's watermark as the operators downstream have it: the highest minimum over its
     * non-idle partitions so far (Flink's combination never goes back), and what was last reported
     * to the enumerator ({@link CombinedWatermark}).
     */
    private long effective = Long.MIN_VALUE;
    private CombinedWatermark.Report reported;
    /** The source's combined watermark, as the enumerator last sent it. */
    private long combined = Long.MIN_VALUE;

    EventTimeReader(SourceReader<T, KafkaPartitionSplit> kafka, SourceReaderContext context, EndOffsetProbe probe,
            EventTimeSource.Rules<T> rules) {
        this.kafka = kafka;
        this.context = context;
        this.probe = probe;
        this.timestamp = rules.timestamp();
        this.outOfOrderness = rules.outOfOrderness();
        this.maxFuture = rules.maxFuture();
        this.driftMs = rules.maxDrift().toMillis();
        this.idleNanos = rules.idleTimeout().toNanos();
        this.tick = Duration.ofMillis(Math.max(20, Math.min(200, rules.idleTimeout().toMillis() / 4)));
    }

    @Override
    public void start() {
        kafka.start();
        probe.start("end-offset-probe", tick, () -> {
            lookDue = true;
            wakeUp();
        });
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        if (tracking == null || tracking.main != output) {
            tracking = new TrackingOutput(output);
            output.markActive(); // see setState
            readerIdle = false;
        }
        InputStatus status = kafka.pollNext(tracking);
        if (lookDue) {
            lookDue = false;
            look();
        }
        return status;
    }

    /** After each record a partition delivers (the record is already on its way). */
    private void onRecord(Partition p, T record) {
        p.records++;
        boolean raised = p.rule.onEvent(timestamp.of(record));
        switch (p.state) {
            case JOINING -> {
                setState(p, State.ACTIVE);
                emitOwn(p);
            }
            case IDLE -> {
                setState(p, State.RETURNING);
                p.returnedAt = System.nanoTime();
                outputOf(p).markActive(); // at its old watermark, or the combined one (below), which it holds for now
                holdAtCombined(p);
                // Tell the enumerator now, not at the next look: until it knows, it combines as if
                // this instance were still idle, and a rise of the others computed so (a backlog
                // they read meanwhile) would come back here as a hold above what this partition is
                // about to deliver, making it late. The report goes out before this task
                // acknowledges its next checkpoint, so anything written after the records read
                // here are committed is combined with this instance active.
                report();
                LOG.info("{}: delivers again after being idle; holds the watermark at {} for {} ms", p.splitId,
                        p.emitted, idleNanos / 1_000_000);
            }
            case ACTIVE -> {
                if (raised) {
                    emitOwn(p);
                }
            }
            case RETURNING -> { } // holds
        }
    }

    /** Applies the probe's answers, moves quiet partitions to idle and returning ones back to active. */
    private void look() {
        long now = System.nanoTime();
        // Time in which the task did not look (back-pressure, a long checkpoint) is not quiet time.
        long unseen = now - lastLook > 3 * tick.toNanos() ? now - lastLook : 0;
        lastLook = now;
        EndOffsetProbe.Answer answer;
        while ((answer = probe.nextAnswer()) != null) {
            apply(answer);
        }
        for (Partition p : partitions.values()) {
            p.returnedAt += unseen;
            if (p.records != p.recordsSeen || p.paused) { // a paused partition is not quiet
                p.recordsSeen = p.records;
                p.quietSince = now;
            } else {
                p.quietSince += unseen;
            }
            if (p.state == State.RETURNING && now - p.returnedAt >= idleNanos) {
                // The grace is over: its watermark counts again, also if it goes idle right away
                // (Flink then takes the highest watermark of the idle partitions).
                setState(p, State.ACTIVE);
                emitOwn(p);
            }
            boolean quiet = now - p.quietSince >= idleNanos;
            if (quiet && (p.state == State.ACTIVE || p.state == State.JOINING)) {
                // Nothing for the idle timeout: idle.
                setState(p, State.IDLE);
                outputOf(p).markIdle();
                LOG.info("{}: nothing for {} ms, idle", p.splitId, idleNanos / 1_000_000);
            } else if (p.state == State.JOINING && !p.hasData && !p.atEnd && !p.asked) {
                ask(p, p.startingOffset);
            }
        }
        report();
    }

    /**
     * Tells the enumerator this instance's watermark when it changed ({@link CombinedWatermark}),
     * at most once per look: the enumerator combines the instances' watermarks as the operators
     * downstream do and sends the result back to instances with idle or returning partitions.
     */
    private void report() {
        long low = Long.MAX_VALUE;
        long high = Long.MIN_VALUE;
        boolean wants = false;
        for (Partition p : partitions.values()) {
            if (p.state == State.IDLE) {
                high = Math.max(high, p.emitted);
            } else {
                low = Math.min(low, p.emitted);
            }
            wants |= p.state == State.IDLE || p.state == State.RETURNING;
        }
        if (low != Long.MAX_VALUE) {
            effective = Math.max(effective, low);
        }
        boolean idle = !partitions.isEmpty() && low == Long.MAX_VALUE;
        CombinedWatermark.Report now = new CombinedWatermark.Report(idle ? Math.max(effective, high) : effective, idle, wants);
        if (!now.equals(reported)) {
            reported = now;
            context.sendSourceEventToCoordinator(now);
        }
    }

    /**
     * A partition back from idle holds the watermark at its old one or at the source's combined
     * watermark, whichever is higher. Its old one alone would hold nothing when the whole instance
     * had been idle: the operators downstream left the instance out, the other instances moved the
     * watermark on, and Flink ignores an instance that comes back below it until its own watermark
     * catches up. Held at the combined watermark it takes part again at once, so the other
     * instances cannot move past the backlog it is about to deliver. The combined watermark is
     * never above what downstream has (the minimum over all active instances, or the maximum when
     * all were idle), so this makes nothing late that was not late already.
     */
    private void holdAtCombined(Partition p) {
        if (p.state == State.RETURNING && combined > p.emitted) {
            p.emitted = combined;
            outputOf(p).emitWatermark(new Watermark(combined));
        }
    }

    private void apply(EndOffsetProbe.Answer answer) {
        Partition p = partitions.get(answer.splitId());
        if (p == null || answer.id() != p.question) {
            return; // out of date: the partition has been asked something newer since
        }
        p.asked = false;
        switch (answer.verdict()) {
            case AT_END -> {
                if (p.state == State.JOINING && p.records == p.recordsWhenAsked) {
                    // Caught up: the other partitions need not wait for it to read. It still holds
                    // the watermark until it delivers or is quiet for the idle timeout: at its end
                    // now is not "nothing more to read" (see EventTimeSource).
                    p.atEnd = true;
                    LOG.info("{}: at its end offset {}; the other partitions read on", p.splitId, answer.end());
                    align();
                }
            }
            case HAS_DATA -> p.hasData = p.state == State.JOINING;
            case UNKNOWN -> { } // asked again at the next look
        }
    }

    private void setState(Partition p, State state) {
        p.state = state;
        boolean allIdle = partitions.values().stream().allMatch(q -> q.state == State.IDLE);
        if (allIdle != readerIdle) {
            // Flink marks a source instance idle when all its partitions are, but does not mark it
            // active again when one comes back holding its old watermark (only when the combined
            // watermark rises): the instance would stay idle downstream, and the other instances
            // would move the watermark past what it is about to deliver. The main output carries
            // the instance's status instead: idle exactly when every partition is.
            readerIdle = allIdle;
            if (allIdle) {
                tracking.main.markIdle();
            } else {
                tracking.main.markActive();
            }
        }
        align();
    }

    /** Emits the partition's own watermark where it is higher than what it emitted. */
    private void emitOwn(Partition p) {
        long watermark = p.rule.watermark();
        if (watermark > p.emitted) {
            p.emitted = watermark;
            outputOf(p).emitWatermark(new Watermark(watermark));
            align();
        }
    }

    /**
     * Keeps the partitions' reading in step: a partition whose watermark is more than {@code
     * watermark.alignment-max-drift} ahead of the slowest active or joining partition pauses until
     * the others catch up (a joining partition, not yet heard from, pauses every other). Flink's
     * own alignment does the same across source instances, but from reports once a second; in a
     * backlog that is minutes of event time. What Kafka's reader has fetched already still comes
     * (at most a few polls), which is why the event sources poll few records at a time.
     */
    private void align() {
        long slowest = Long.MAX_VALUE;
        for (Partition p : partitions.values()) {
            if (p.state == State.ACTIVE || p.state == State.JOINING && !p.atEnd) {
                slowest = Math.min(slowest, p.emitted);
            }
        }
        for (Partition p : partitions.values()) {
            p.pausedHere = p.state == State.ACTIVE && p.emitted != Long.MIN_VALUE && p.emitted - driftMs > slowest;
            updatePause(p);
        }
        pauseOrResume();
    }

    private void updatePause(Partition p) {
        boolean paused = p.pausedHere || p.pausedByFlink;
        if (paused != p.paused) {
            p.paused = paused;
            p.quietSince = System.nanoTime();
            (paused ? toPause : toResume).add(p.splitId);
        }
    }

    private void pauseOrResume() {
        if (!toPause.isEmpty() || !toResume.isEmpty()) {
            kafka.pauseOrResumeSplits(List.copyOf(toPause), List.copyOf(toResume));
            toPause.clear();
            toResume.clear();
        }
    }

    private void ask(Partition p, long from) {
        p.asked = true;
        p.question++;
        p.recordsWhenAsked = p.records;
        probe.ask(new EndOffsetProbe.Request(p.splitId, p.question, p.topicPartition, from));
    }

    private SourceOutput<?> outputOf(Partition p) {
        if (p.output == null) {
            p.output = tracking.main.createOutputForSplit(p.splitId);
        }
        return p.output;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        CompletableFuture<Void> kafkaAvailable = kafka.isAvailable();
        if (kafkaAvailable.isDone()) {
            return kafkaAvailable;
        }
        synchronized (availability) {
            if (available.isDone()) {
                available = new CompletableFuture<>();
            }
            if (kafkaAvailable != watchedKafkaFuture) {
                // Once per future of Kafka's reader, not once per call: it may stay the same for hours.
                watchedKafkaFuture = kafkaAvailable;
                kafkaAvailable.thenRun(this::wakeUp);
            }
            return available;
        }
    }

    private void wakeUp() {
        synchronized (availability) {
            available.complete(null);
        }
    }

    @Override
    public void addSplits(List<KafkaPartitionSplit> splits) {
        long now = System.nanoTime();
        for (KafkaPartitionSplit split : splits) {
            Partition p = new Partition(split, new EventTime.PartitionWatermark(outOfOrderness, maxFuture), now);
            partitions.put(p.splitId, p);
            ask(p, p.startingOffset);
        }
        if (started) {
            kafka.addSplits(splits);
            align();
        } else {
            waiting.addAll(splits);
        }
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> pause, Collection<String> resume) {
        for (Partition p : partitions.values()) {
            if (pause.contains(p.splitId) || resume.contains(p.splitId)) {
                p.pausedByFlink = pause.contains(p.splitId);
                updatePause(p);
            }
        }
        pauseOrResume();
    }

    @Override
    public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
        List<KafkaPartitionSplit> splits = new ArrayList<>(kafka.snapshotState(checkpointId));
        splits.addAll(waiting);
        return splits;
    }

    @Override
    public void notifyNoMoreSplits() {
        kafka.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent sourceEvent) {
        if (sourceEvent instanceof CombinedWatermark.Combined c) {
            if (c.watermark() > combined) {
                combined = c.watermark();
                for (Partition p : partitions.values()) {
                    holdAtCombined(p);
                }
            }
        } else if (sourceEvent instanceof StartTogetherEnumerator.StartReading) {
            if (!started) {
                started = true;
                LOG.info("Every reader of the source has registered: reading {}", partitions.keySet());
                if (!waiting.isEmpty()) {
                    kafka.addSplits(List.copyOf(waiting));
                    waiting.clear();
                }
            }
        } else {
            kafka.handleSourceEvents(sourceEvent);
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        kafka.notifyCheckpointComplete(checkpointId);
        nudgeFetcher();
    }

    /**
     * Kafka's reader commits the checkpoint's offsets to the consumer group in a task queued behind
     * its fetch, and a fetch on a quiet topic waits up to 10 s for data: the group's offsets (what
     * lag monitoring and {@code source.starting-offsets committed} see) would trail the checkpoint
     * by that much. Repeating one partition's pause state to Kafka's reader is a no-op for the
     * consumer, but it wakes the fetch up, so the commit runs now.
     */
    private void nudgeFetcher() {
        if (!started || partitions.isEmpty()) {
            return;
        }
        Partition p = partitions.values().iterator().next();
        List<String> split = List.of(p.splitId);
        kafka.pauseOrResumeSplits(p.paused ? split : List.of(), p.paused ? List.of() : split);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        kafka.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
        try {
            probe.close();
        } finally {
            kafka.close();
        }
    }

    /** The reader output handed to Kafka's reader: counts each partition's records on the way. */
    private final class TrackingOutput implements ReaderOutput<T> {
        final ReaderOutput<T> main;

        TrackingOutput(ReaderOutput<T> main) {
            this.main = main;
        }

        @Override
        public SourceOutput<T> createOutputForSplit(String splitId) {
            SourceOutput<T> real = main.createOutputForSplit(splitId);
            Partition p = partitions.get(splitId);
            if (p == null) {
                return real;
            }
            p.output = real;
            return new SourceOutput<T>() {
                @Override
                public void collect(T record) {
                    real.collect(record);
                    onRecord(p, record);
                }

                @Override
                public void collect(T record, long kafkaTimestamp) {
                    real.collect(record, kafkaTimestamp);
                    onRecord(p, record);
                }

                @Override
                public void emitWatermark(Watermark watermark) {
                    real.emitWatermark(watermark);
                }

                @Override
                public void markIdle() {
                    real.markIdle();
                }

                @Override
                public void markActive() {
                    real.markActive();
                }
            };
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            partitions.remove(splitId);
            main.releaseOutputForSplit(splitId);
        }

        @Override
        public void collect(T record) {
            main.collect(record);
        }

        @Override
        public void collect(T record, long timestamp) {
            main.collect(record, timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            main.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            main.markIdle();
        }

        @Override
        public void markActive() {
            main.markActive();
        }
    }
}
