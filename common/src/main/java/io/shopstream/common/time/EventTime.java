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
 * The suite's one watermark strategy: bounded out-of-orderness per partition, idle partitions,
 * and events from the far future kept out of the watermark ({@link #isFromTheFuture}).
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
        return WatermarkStrategy.<T>forGenerator(context -> new FutureProofBoundedOutOfOrderness<T>(boundMs, maxFutureMs))
                .withTimestampAssigner((value, previous) -> timestamp.of(value))
                .withIdleness(idleTimeout);
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
