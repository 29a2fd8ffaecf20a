package io.shopstream.common.enrich;

import io.shopstream.common.metrics.ShopMetrics;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.Product;
import io.shopstream.common.model.ProductUpdate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Looks up each event's product in the broadcast product table (small: every instance holds all
 * of it). Keyed by customer: an event whose product is unknown waits in checkpointed state, and
 * the customer's later events wait behind it, until the product arrives or the wait deadline
 * passes; so each customer's events leave in input order.
 */
public final class ProductEnricher extends KeyedBroadcastProcessFunction<String, Event, ProductUpdate, PendingEvent> {

    private static final long serialVersionUID = 1L;

    /** The product table, broadcast to every instance. */
    public static final MapStateDescriptor<String, Product> PRODUCTS =
            new MapStateDescriptor<>("products", Types.STRING, TypeInformation.of(Product.class));

    static final ListStateDescriptor<PendingEvent> HELD =
            new ListStateDescriptor<>("held-for-product", TypeInformation.of(PendingEvent.class));

    static final ValueStateDescriptor<Boolean> HOLDING = new ValueStateDescriptor<>("holds-events", Types.BOOLEAN);

    private final long maxWaitMs;

    private transient ListState<PendingEvent> held;
    /**
     * Set while the customer's queue is not empty: reading the list to find out would deserialize
     * the whole queue on every event with RocksDB (quadratic in the queue's length).
     */
    private transient ValueState<Boolean> holding;
    private transient Counter heldCounter;
    private transient Counter timedOut;
    /**
     * The products that events held by this instance wait for, since the last scan for each: a
     * product update that nobody waits for skips the scan of every key's queue. Without it, while
     * the product table loads next to the events (a first start), every update scanned every
     * held queue: in the benchmark with RocksDB that was most of the job's time.
     */
    private transient Set<String> awaited;
    /**
     * After a restore the held queues are not in {@link #awaited}: every update scans, until a
     * scan finds nothing held.
     */
    private transient boolean heldUnknown;

    public ProductEnricher(long maxWaitMs) {
        this.maxWaitMs = maxWaitMs;
    }

    @Override
    public void open(OpenContext openContext) {
        held = getRuntimeContext().getListState(HELD);
        holding = getRuntimeContext().getState(HOLDING);
        heldCounter = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.HELD_FOR_REFERENCE);
        timedOut = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.RELEASED_INCOMPLETE);
        awaited = new HashSet<>();
        heldUnknown = true; // after a restore, state may hold events
    }

    @Override
    public void processElement(Event event, ReadOnlyContext ctx, Collector<PendingEvent> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        long deadline = now + maxWaitMs;
        ReadOnlyBroadcastState<String, Product> products = ctx.getBroadcastState(PRODUCTS);
        Product product = products.get(event.productId());
        if (product != null && holding.value() == null) {
            out.collect(new PendingEvent(event, product, deadline));
            return;
        }
        held.add(new PendingEvent(event, null, deadline));
        holding.update(true);
        heldCounter.inc();
        if (product == null) {
            awaited.add(event.productId());
        }
        ctx.timerService().registerProcessingTimeTimer(deadline);
    }

    @Override
    public void processBroadcastElement(ProductUpdate update, Context ctx, Collector<PendingEvent> out) throws Exception {
        if (update.isDelete()) {
            ctx.getBroadcastState(PRODUCTS).remove(update.productId());
            return;
        }
        ctx.getBroadcastState(PRODUCTS).put(update.productId(), update.product());
        if (!awaited.remove(update.productId()) && !heldUnknown) {
            return;
        }
        long now = ctx.currentProcessingTime();
        boolean[] anyLeft = {false};
        ctx.applyToKeyedState(HELD, (key, state) -> {
            anyLeft[0] |= release(state, ctx.getBroadcastState(PRODUCTS)::get, now, out);
        });
        if (!anyLeft[0]) {
            heldUnknown = false;
            awaited.clear();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PendingEvent> out) throws Exception {
        ReadOnlyBroadcastState<String, Product> products = ctx.getBroadcastState(PRODUCTS);
        release(held, id -> products.get(id), timestamp, out);
    }

    @FunctionalInterface
    private interface ProductLookup {
        Product get(String productId) throws Exception;
    }

    /**
     * Releases held events from the head of the queue while their product is known or their
     * deadline has passed. Returns whether events remain held.
     */
    private boolean release(ListState<PendingEvent> queue, ProductLookup products, long now, Collector<PendingEvent> out)
            throws Exception {
        List<PendingEvent> pending = new ArrayList<>();
        queue.get().forEach(pending::add);
        int released = 0;
        for (PendingEvent p : pending) {
            Product product = products.get(p.event().productId());
            if (product == null && p.deadline() > now) {
                break;
            }
            if (product == null) {
                timedOut.inc();
            }
            out.collect(new PendingEvent(p.event(), product, p.deadline()));
            released++;
        }
        if (released == pending.size()) {
            queue.clear();
            // The current key is the queue's, also inside applyToKeyedState (set per key).
            holding.clear();
            return false;
        }
        if (released > 0) {
            queue.update(pending.subList(released, pending.size()));
        }
        return true;
    }
}
