package io.shopstream.common.time;

import io.shopstream.common.metrics.ShopMetrics;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Where the windowing jobs' late and far-future events go, counted on the way. */
public final class LateEvents {

    private LateEvents() {}

    /** The uid of the operator that takes the events from the future out, in every windowing job. */
    public static final String FUTURE_ROUTER_UID = "route-events-from-the-future";
    /** The uid of the operator that counts late events, in every windowing job. */
    public static final String COUNT_LATE_UID = "count-late-events";
    /** The uid of the watermark keeper in front of a windowing job's keyed operator. */
    public static final String KEEP_WATERMARK_UID = "keep-watermark";

    /** Events usable for windows, and those from the future (see {@link EventTime#isFromTheFuture}). */
    public record Split<T>(DataStream<T> usable, DataStream<T> fromTheFuture) {}

    /** Events keyed for an event-time operator, and those from the future, which never reach it. */
    public record Keyed<T>(KeyedStream<T, String> keyed, DataStream<T> fromTheFuture) {

        /** The job's late output: the operator's {@code tooLate} events, counted, and the events from the future. */
        public DataStream<T> lateOutput(DataStream<T> tooLate) {
            return counted(tooLate, COUNT_LATE_UID).union(fromTheFuture);
        }
    }

    /**
     * The front of a windowing job: events from the future taken out ({@link
     * #separateFromTheFuture}), the rest keyed by {@code key} and, unless a test shows what goes
     * wrong without it, behind a {@link WatermarkKeeper} so that the watermark never goes back
     * across a restart.
     */
    public static <T> Keyed<T> keyedForEventTime(DataStream<T> events, EventTime.Timestamp<T> timestamp,
            KeySelector<T, String> key, Duration maxFuture, boolean keepWatermark) {
        Split<T> split = separateFromTheFuture(events, timestamp, maxFuture, FUTURE_ROUTER_UID);
        KeyedStream<T, String> keyed = split.usable().keyBy(key, Types.STRING);
        if (keepWatermark) {
            keyed = WatermarkKeeper.keepKeyed(keyed, KEEP_WATERMARK_UID);
        }
        return new Keyed<>(keyed, split.fromTheFuture());
    }

    /**
     * Takes the events from the future out of {@code input}, counting them ({@code
     * eventsFromTheFuture}). Uses the same rule and clock as the watermark generator, one step
     * later, so an event the watermark trusted is never called from the future here.
     */
    public static <T> Split<T> separateFromTheFuture(
            DataStream<T> input, EventTime.Timestamp<T> timestamp, Duration maxFuture, String uid) {
        OutputTag<T> tag = new OutputTag<>("from-the-future", input.getType());
        SingleOutputStreamOperator<T> usable =
                input.process(new FutureRouter<>(timestamp, maxFuture, tag), input.getType())
                        .name("Route events from the future")
                        .uid(uid);
        return new Split<>(usable, usable.getSideOutput(tag));
    }

    /** Passes late events through, counting them ({@code lateEvents}). */
    public static <T> DataStream<T> counted(DataStream<T> late, String uid) {
        return late.map(new CountLate<T>(), late.getType()).name("Count late events").uid(uid);
    }

    static final class FutureRouter<T> extends ProcessFunction<T, T> {
        private static final long serialVersionUID = 1L;

        private final EventTime.Timestamp<T> timestamp;
        private final Duration maxFuture;
        private final OutputTag<T> tag;
        private transient Counter fromTheFuture;

        FutureRouter(EventTime.Timestamp<T> timestamp, Duration maxFuture, OutputTag<T> tag) {
            this.timestamp = timestamp;
            this.maxFuture = maxFuture;
            this.tag = tag;
        }

        @Override
        public void open(OpenContext openContext) {
            fromTheFuture = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.FROM_THE_FUTURE);
        }

        @Override
        public void processElement(T value, Context ctx, Collector<T> out) {
            if (EventTime.isFromTheFuture(timestamp.of(value), System.currentTimeMillis(), maxFuture)) {
                fromTheFuture.inc();
                ctx.output(tag, value);
            } else {
                out.collect(value);
            }
        }
    }

    static final class CountLate<T> extends RichMapFunction<T, T> {
        private static final long serialVersionUID = 1L;

        private transient Counter late;

        @Override
        public void open(OpenContext openContext) {
            late = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.LATE);
        }

        @Override
        public T map(T value) {
            late.inc();
            return value;
        }
    }
}
