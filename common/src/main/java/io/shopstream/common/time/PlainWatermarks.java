package io.shopstream.common.time;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The suite's watermark rule as a plain program, for the single-threaded oracles of the windowing
 * jobs: partitions are read round-robin; each partition's watermark is its highest event time
 * (ignoring events from the future) minus the out-of-orderness minus 1 ms; the job's watermark is
 * the minimum over the partitions that have data (empty partitions are idle).
 */
public final class PlainWatermarks {

    private PlainWatermarks() {}

    /**
     * A windowing job's plain loop: events as the source hands them over, and the watermark.
     * {@link #onArrival} sends an event from the future to the late output at once (the job
     * separates it before its window operator) and every other event to {@link #onEvent}.
     */
    public interface Loop<T> {

        void onEvent(T event);

        void onLate(T event);

        void onWatermark(long watermark);

        default void onArrival(T event, boolean fromTheFuture) {
            if (fromTheFuture) {
                onLate(event);
            } else {
                onEvent(event);
            }
        }
    }

    /**
     * Runs {@code loop} over {@code partitions} read round-robin under the job's watermark rule
     * ({@code watermark.out-of-orderness}, {@code watermark.max-future} of {@code config}), then
     * the end of input (a final watermark of {@code Long.MAX_VALUE}).
     */
    public static <T> void replay(JobConfig config, List<List<T>> partitions, EventTime.Timestamp<T> timestamp,
            long nowMillis, Loop<T> loop) {
        forEachInArrivalOrder(partitions, timestamp, config.get(ShopOptions.OUT_OF_ORDERNESS),
                config.get(ShopOptions.MAX_FUTURE), nowMillis, loop::onArrival, loop::onWatermark);
        loop.onWatermark(Long.MAX_VALUE);
    }

    /** Receives each event in arrival order, with whether it is from the future. */
    @FunctionalInterface
    public interface EventConsumer<T> {
        void accept(T event, boolean fromTheFuture);
    }

    public static <T> void forEachInArrivalOrder(
            List<List<T>> partitions,
            EventTime.Timestamp<T> timestamp,
            Duration outOfOrderness,
            Duration maxFuture,
            long nowMillis,
            EventConsumer<T> onEvent,
            LongConsumer onWatermark) {
        long bound = outOfOrderness.toMillis();
        long[] max = new long[partitions.size()];
        java.util.Arrays.fill(max, Long.MIN_VALUE + bound + 1);
        int longest = partitions.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (int p = 0; p < partitions.size(); p++) {
                if (i >= partitions.get(p).size()) {
                    continue;
                }
                T event = partitions.get(p).get(i);
                long ts = timestamp.of(event);
                boolean future = EventTime.isFromTheFuture(ts, nowMillis, maxFuture);
                if (!future) {
                    max[p] = Math.max(max[p], ts);
                }
                onEvent.accept(event, future);
                long watermark = Long.MAX_VALUE;
                for (int q = 0; q < partitions.size(); q++) {
                    if (!partitions.get(q).isEmpty()) {
                        watermark = Math.min(watermark, max[q] - bound - 1);
                    }
                }
                onWatermark.accept(watermark);
            }
        }
    }
}
