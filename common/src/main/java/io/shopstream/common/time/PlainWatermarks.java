package io.shopstream.common.time;

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
