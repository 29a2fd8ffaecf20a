package io.shopstream.testkit.compare;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.time.EventTime;
import io.shopstream.common.time.PlainWatermarks;
import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * One input replayed in the suite's arrival order ({@link PlainWatermarks}: partitions read
 * round-robin, the job's watermark after each event), then the end of input ({@code
 * Long.MAX_VALUE}), into several {@link Target}s side by side: a window oracle and the operator
 * under test see exactly the same events and watermarks, so their outputs must be equal.
 */
public final class ArrivalReplay {

    private ArrivalReplay() {}

    /** One side of a replay: an oracle, or an operator in a test harness. */
    public interface Target<T> {

        /** The next event; {@code fromTheFuture} when the job's source would separate it as such. */
        void event(T event, boolean fromTheFuture) throws Exception;

        /** The watermark after the last event (not always higher than the one before). */
        void watermark(long watermark) throws Exception;
    }

    /** A target from an oracle's methods, e.g. {@code of(oracle::onArrival, oracle::onWatermark)}. */
    public static <T> Target<T> of(PlainWatermarks.EventConsumer<T> onEvent, LongConsumer onWatermark) {
        return new Methods<>(onEvent, onWatermark);
    }

    private record Methods<T>(PlainWatermarks.EventConsumer<T> onEvent, LongConsumer onWatermark)
            implements Target<T> {

        @Override
        public void event(T event, boolean fromTheFuture) {
            onEvent.accept(event, fromTheFuture);
        }

        @Override
        public void watermark(long watermark) {
            onWatermark.accept(watermark);
        }
    }

    /**
     * An operator in an opened harness: every event as a record with its event time, and each
     * watermark that is higher than the last (a harness, like Flink, expects rising watermarks).
     */
    public static <T> Target<T> harness(OneInputStreamOperatorTestHarness<T, ?> harness,
            EventTime.Timestamp<T> timestamp) {
        return new Target<>() {
            private long last = Long.MIN_VALUE;

            @Override
            public void event(T event, boolean fromTheFuture) throws Exception {
                harness.processElement(event, timestamp.of(event));
            }

            @Override
            public void watermark(long watermark) throws Exception {
                if (watermark > last) {
                    last = watermark;
                    harness.processWatermark(watermark);
                }
            }
        };
    }

    /** Replays enriched events with the job's bound and future limit from {@code config}. */
    @SafeVarargs
    public static void replay(JobConfig config, List<List<EnrichedEvent>> partitions, long nowMillis,
            Target<EnrichedEvent>... targets) {
        replay(partitions, EnrichedEvent::ts, config.get(ShopOptions.OUT_OF_ORDERNESS),
                config.get(ShopOptions.MAX_FUTURE), nowMillis, List.of(targets));
    }

    /** Replays {@code partitions} into every target in turn, event by event, then the end of input. */
    public static <T> void replay(List<List<T>> partitions, EventTime.Timestamp<T> timestamp, Duration outOfOrderness,
            Duration maxFuture, long nowMillis, List<Target<T>> targets) {
        PlainWatermarks.forEachInArrivalOrder(partitions, timestamp, outOfOrderness, maxFuture, nowMillis,
                (event, fromTheFuture) -> each(targets, t -> t.event(event, fromTheFuture)),
                watermark -> each(targets, t -> t.watermark(watermark)));
        each(targets, t -> t.watermark(Long.MAX_VALUE));
    }

    private interface Step<T> {
        void apply(Target<T> target) throws Exception;
    }

    private static <T> void each(List<Target<T>> targets, Step<T> step) {
        for (Target<T> t : targets) {
            try {
                step.apply(t);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("A replay target failed", e);
            }
        }
    }
}
