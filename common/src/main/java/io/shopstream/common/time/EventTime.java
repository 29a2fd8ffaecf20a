package io.shopstream.common.time;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.Parsed;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/** The suite's one watermark strategy: bounded out-of-orderness with idle partitions. */
public final class EventTime {

    private EventTime() {}

    /** Extracts the event time of a usable record. */
    @FunctionalInterface
    public interface Timestamp<T> extends Serializable {
        long of(T value);
    }

    public static <T> WatermarkStrategy<T> watermarks(JobConfig config, Timestamp<T> timestamp) {
        return watermarks(config.get(ShopOptions.OUT_OF_ORDERNESS), config.get(ShopOptions.IDLE_TIMEOUT), timestamp);
    }

    public static <T> WatermarkStrategy<T> watermarks(Duration outOfOrderness, Duration idleTimeout, Timestamp<T> timestamp) {
        return WatermarkStrategy.<T>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((value, previous) -> timestamp.of(value))
                .withIdleness(idleTimeout);
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
