package io.shopstream.common.time;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.Parsed;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The suite's one watermark rule: bounded out-of-orderness per partition ({@link
 * PartitionWatermark}), moved by the data alone, with events from the far future kept out of the
 * watermark ({@link #isFromTheFuture}).
 *
 * <p>A partition's watermark moves at the event that raises the partition's highest event time,
 * never on a wall-clock period: so the same input read at any speed meets the same watermarks.
 * For Kafka input, when a partition holds the watermark back and when it is idle is decided by
 * the source, which knows which partitions it reads and where their ends are ({@link
 * io.shopstream.common.kafka.EventTimeSource}); it applies the rule through {@link
 * #timestampsFor}. Other sources (the benchmark's in-memory input) use {@link #forParsed}.
 */
public final class EventTime {

    private EventTime() {}

    /** Extracts the event time of a usable record. */
    @FunctionalInterface
    public interface Timestamp<T> extends Serializable {
        long of(T value);
    }

    /** The watermark rule of one partition: the newest event time (not from the future) minus the bound minus 1 ms. */
    public static final class PartitionWatermark {
        private final long boundMs;
        private final long maxFutureMs;
        private long newest = Long.MIN_VALUE;

        public PartitionWatermark(Duration outOfOrderness, Duration maxFuture) {
            this.boundMs = outOfOrderness.toMillis();
            this.maxFutureMs = maxFuture.toMillis();
        }

        /** Takes an event's time; true if it raised the watermark. */
        public boolean onEvent(long ts) {
            if (ts <= newest || ts > System.currentTimeMillis() + maxFutureMs) {
                return false;
            }
            newest = ts;
            return true;
        }

        /** The watermark, or {@link Long#MIN_VALUE} before the first event. */
        public long watermark() {
            return newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest - boundMs - 1;
        }
    }

    public static <T> WatermarkStrategy<T> watermarks(JobConfig config, Timestamp<T> timestamp) {
        return watermarks(config.get(ShopOptions.OUT_OF_ORDERNESS), config.get(ShopOptions.MAX_FUTURE), timestamp);
    }

    /** Bounded out-of-orderness per source split, emitted at the event that raises it; never idle. */
    public static <T> WatermarkStrategy<T> watermarks(Duration outOfOrderness, Duration maxFuture, Timestamp<T> timestamp) {
        return WatermarkStrategy.<T>forGenerator(context -> new OnEventWatermarks<T>(new PartitionWatermark(outOfOrderness, maxFuture)))
                .withTimestampAssigner((value, previous) -> timestamp.of(value));
    }

    /**
     * The suite's far-future rule: an event whose time lies more than {@code maxFuture} ahead of
     * the wall clock of the machine reading it is "from the future". It never moves the
     * watermark, so one bogus timestamp (say, in 2099) cannot make every later event late. The
     * windowing jobs send such an event to their late topic right away.
     */
    public static boolean isFromTheFuture(long ts, long nowMillis, Duration maxFuture) {
        return ts > nowMillis + maxFuture.toMillis();
    }

    /** {@link PartitionWatermark} as a Flink generator: emits at the event that raises it, nothing on the period. */
    static final class OnEventWatermarks<T> implements WatermarkGenerator<T> {

        private final PartitionWatermark rule;

        OnEventWatermarks(PartitionWatermark rule) {
            this.rule = rule;
        }

        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
            if (rule.onEvent(eventTimestamp)) {
                output.emitWatermark(new Watermark(rule.watermark()));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }

    /**
     * Watermarks for decoded input: usable records carry their event time; dead letters carry
     * {@link Long#MIN_VALUE} and so never move the watermark.
     */
    public static <T> WatermarkStrategy<Parsed<T>> forParsed(JobConfig config, Timestamp<T> timestamp) {
        return watermarks(config, ofParsed(timestamp));
    }

    /** The event time of a decoded record: a dead letter's is {@link Long#MIN_VALUE}, which never moves a watermark. */
    public static <T> Timestamp<Parsed<T>> ofParsed(Timestamp<T> timestamp) {
        return parsed -> parsed.isOk() ? timestamp.of(parsed.value) : Long.MIN_VALUE;
    }

    /**
     * Record timestamps only: for a source that emits the watermarks itself ({@link
     * io.shopstream.common.kafka.EventTimeSource}).
     */
    public static <T> WatermarkStrategy<T> timestampsFor(Timestamp<T> timestamp) {
        return WatermarkStrategy.<T>forGenerator(context -> new WatermarkGenerator<T>() {
                    @Override
                    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

                    @Override
                    public void onPeriodicEmit(WatermarkOutput output) {}
                })
                .withTimestampAssigner((value, previous) -> timestamp.of(value));
    }

    /**
     * For inputs without event time (reference data): the input declares itself idle at every
     * watermark interval, so it never holds back the watermark of an operator that joins it.
     */
    public static <T> WatermarkStrategy<T> neverHoldsBack() {
        return context -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.markIdle();
            }
        };
    }
}
