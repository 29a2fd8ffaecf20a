package io.shopstream.common.enrich;

import io.shopstream.common.metrics.ShopMetrics;
import io.shopstream.common.model.Event;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops producer retries, per customer: an event whose {@code eventId} was accepted before with a
 * first {@code ts} such that {@code ts < firstTs + horizon} is a duplicate. The remembered ids
 * expire once the watermark passes {@code firstTs + horizon}: from then on an event with that id
 * and a ts within the out-of-orderness bound can no longer be a duplicate.
 */
public final class Deduplicator extends KeyedProcessFunction<String, Event, Event> {

    private static final long serialVersionUID = 1L;

    private final long horizonMs;

    private transient MapState<String, Long> firstSeen;
    private transient Counter duplicates;

    public Deduplicator(long horizonMs) {
        this.horizonMs = horizonMs;
    }

    @Override
    public void open(OpenContext openContext) {
        firstSeen = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("first-ts-by-event-id", Types.STRING, Types.LONG));
        duplicates = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.DUPLICATES_DROPPED);
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
        Long first = firstSeen.get(event.eventId());
        if (first != null && event.ts() < first + horizonMs) {
            duplicates.inc();
            return;
        }
        firstSeen.put(event.eventId(), event.ts());
        ctx.timerService().registerEventTimeTimer(event.ts() + horizonMs);
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
        Iterator<Map.Entry<String, Long>> it = firstSeen.iterator();
        while (it.hasNext()) {
            if (it.next().getValue() + horizonMs <= timestamp) {
                it.remove();
            }
        }
        if (firstSeen.isEmpty()) {
            firstSeen.clear();
        }
    }
}
