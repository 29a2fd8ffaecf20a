package io.shopstream.common.enrich;

import io.shopstream.common.metrics.ShopMetrics;
import io.shopstream.common.model.Event;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 *
 * <p>The ids are also indexed by the time they expire, so a timer touches only the ids it
 * expires: scanning the customer's whole table on every timer made a busy customer cost
 * quadratic time (it was 40% of enrich's CPU in the benchmark).
 */
public final class Deduplicator extends KeyedProcessFunction<String, Event, Event> {

    private static final long serialVersionUID = 1L;

    private final long horizonMs;

    private transient MapState<String, Long> firstSeen;
    /** The ids accepted with {@code ts + horizon} = the key: the ones its timer may forget. */
    private transient MapState<Long, List<String>> idsByExpiry;
    private transient Counter duplicates;

    public Deduplicator(long horizonMs) {
        this.horizonMs = horizonMs;
    }

    @Override
    public void open(OpenContext openContext) {
        firstSeen = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("first-ts-by-event-id", Types.STRING, Types.LONG));
        idsByExpiry = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("event-ids-by-expiry", Types.LONG, Types.LIST(Types.STRING)));
        duplicates = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.DUPLICATES_DROPPED);
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
        Long first = firstSeen.get(event.eventId());
        if (first != null && event.ts() < first + horizonMs) {
            duplicates.inc();
            return;
        }
        long expiry = event.ts() + horizonMs;
        firstSeen.put(event.eventId(), event.ts());
        List<String> expiring = idsByExpiry.get(expiry);
        if (expiring == null) {
            expiring = new ArrayList<>(1);
        }
        expiring.add(event.eventId());
        idsByExpiry.put(expiry, expiring);
        ctx.timerService().registerEventTimeTimer(expiry);
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
        List<String> expiring = idsByExpiry.get(timestamp);
        if (expiring == null) {
            forgetAllExpired(timestamp); // state from a savepoint taken before the index existed
        } else {
            for (String id : expiring) {
                // The id may have been accepted again since (ts at or past the old horizon): keep that.
                Long first = firstSeen.get(id);
                if (first != null && first + horizonMs <= timestamp) {
                    firstSeen.remove(id);
                }
            }
            // No isEmpty() check afterwards: the heap backend drops a key's map with its last
            // entry, and on RocksDB isEmpty() seeks past every deleted entry (it was 60% of the
            // dedup task's time there).
            idsByExpiry.remove(timestamp);
        }
    }

    private void forgetAllExpired(long timestamp) throws Exception {
        Iterator<Map.Entry<String, Long>> it = firstSeen.iterator();
        while (it.hasNext()) {
            if (it.next().getValue() + horizonMs <= timestamp) {
                it.remove();
            }
        }
        if (firstSeen.isEmpty()) {
            firstSeen.clear(); // removing through the iterator leaves the heap backend an empty map
        }
    }
}
