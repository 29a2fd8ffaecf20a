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
import org.apache.flink.util.clock.RelativeClock;

/**
 * The suite's one watermark strategy: bounded out-of-orderness per partition, idle partitions
 * (with a grace period when a partition joins or comes back, see {@link IdleAwarePartitionWatermarks}), and
 * events from the far future kept out of the watermark ({@link #isFromTheFuture}).
 */
public final class EventTime {

    private EventTime() {}

    /** Extracts the event time of a usable record. */
    @FunctionalInterface
    public interface Timestamp<T> extends Serializable {
        long of(T value);
    }

    public static <T> WatermarkStrategy<T> watermarks(JobConfig config, Timestamp<T> timestamp) {
        return watermarks(
                config.get(ShopOptions.OUT_OF_ORDERNESS),
                config.get(ShopOptions.IDLE_TIMEOUT),
                config.get(ShopOptions.MAX_FUTURE),
                timestamp);
    }

    public static <T> WatermarkStrategy<T> watermarks(Duration outOfOrderness, Duration idleTimeout, Timestamp<T> timestamp) {
        return watermarks(outOfOrderness, idleTimeout, ShopOptions.MAX_FUTURE.defaultValue(), timestamp);
    }

    /**
     * Bounded out-of-orderness with idle partitions, ignoring (for the watermark only) events
     * from the future: see {@link #isFromTheFuture}.
     */
    public static <T> WatermarkStrategy<T> watermarks(
            Duration outOfOrderness, Duration idleTimeout, Duration maxFuture, Timestamp<T> timestamp) {
        long boundMs = outOfOrderness.toMillis();
        long maxFutureMs = maxFuture.toMillis();
        long idleMs = idleTimeout.toMillis();
        return WatermarkStrategy.<T>forGenerator(context -> new IdleAwarePartitionWatermarks<T>(
                        new FutureProofBoundedOutOfOrderness<T>(boundMs, maxFutureMs), idleMs, context.getInputActivityClock()))
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

    /** Bounded out-of-orderness over the events that are not from the future. */
    static final class FutureProofBoundedOutOfOrderness<T> implements WatermarkGenerator<T> {

        private final long boundMs;
        private final long maxFutureMs;
        private long maxTimestamp;

        FutureProofBoundedOutOfOrderness(long boundMs, long maxFutureMs) {
            this.boundMs = boundMs;
            this.maxFutureMs = maxFutureMs;
            this.maxTimestamp = Long.MIN_VALUE + boundMs + 1;
        }

        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
            if (eventTimestamp > System.currentTimeMillis() + maxFutureMs) {
                return;
            }
            maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(maxTimestamp - boundMs - 1));
        }
    }

    /**
     * Idle partitions, and a grace period for partitions that (re)join. A partition without
     * records for {@code idleMs} is idle and does not hold the watermark back (as Flink's
     * {@code withIdleness}). A partition that starts being read (at start, after a restore or a
     * rescale) or comes back from idle takes part at once, holding the watermark, but moves it
     * forward only after {@code idleMs}.
     *
     * <p>Why: Flink's Kafka source counts a partition in the watermark only from its first
     * record, and after a pause that made every partition idle, a returning partition is the only
     * active one. Either way, when a backlog is read (after a restore; after a failover upstream
     * that left every partition idle) the Kafka consumer hands it over one partition at a time,
     * and the first partition's watermark would race ahead alone: the other partitions' events
     * would be late and the output would differ from a run without the failure. With the grace,
     * the other partitions have {@code idleMs} to deliver their first records, which they do
     * within milliseconds when they have data. The cost: after a start, restore or idle spell the
     * watermark moves {@code idleMs} later.
     */
    static final class IdleAwarePartitionWatermarks<T> implements WatermarkGenerator<T> {

        private final WatermarkGenerator<T> watermarks;
        private final long idleMs;
        private final RelativeClock clock;
        private long lastActivity;
        private boolean idle;
        /** While within the grace period: when the partition (re)joined; else -1. */
        private long backSince;

        IdleAwarePartitionWatermarks(WatermarkGenerator<T> watermarks, long idleMs, RelativeClock clock) {
            this.watermarks = watermarks;
            this.idleMs = idleMs;
            this.clock = clock;
            this.lastActivity = clock.relativeTimeMillis();
            this.backSince = lastActivity; // created with the partition's first record: it joins now
        }

        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
            watermarks.onEvent(event, eventTimestamp, output);
            lastActivity = clock.relativeTimeMillis();
            if (idle) {
                idle = false;
                backSince = lastActivity;
                output.markActive();
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long now = clock.relativeTimeMillis();
            if (backSince >= 0) {
                if (now - backSince < idleMs) {
                    return; // active, holding: the other partitions may still be joining
                }
                // The grace is over: emit what the data says before the partition may go idle
                // (an idle partition's last watermark would not count).
                backSince = -1;
                watermarks.onPeriodicEmit(output);
                return;
            }
            if (now - lastActivity >= idleMs) {
                if (!idle) {
                    idle = true;
                    output.markIdle();
                }
                return;
            }
            watermarks.onPeriodicEmit(output);
        }
    }

    /**
     * Watermarks for decoded input: usable records carry their event time; dead letters carry
     * {@link Long#MIN_VALUE} and so never move the watermark.
     */
    public static <T> WatermarkStrategy<Parsed<T>> forParsed(JobConfig config, Timestamp<T> timestamp) {
        return watermarks(config, parsed -> parsed.isOk() ? timestamp.of(parsed.value) : Long.MIN_VALUE);
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
