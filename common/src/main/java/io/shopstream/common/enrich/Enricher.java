package io.shopstream.common.enrich;

import io.shopstream.common.metrics.ShopMetrics;
import io.shopstream.common.model.Customer;
import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.EnrichedEvent;
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
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * De-duplicates each customer's events and adds the latest known product and customer, in one
 * keyed operator: events and customer updates arrive keyed by customer id, the product table is
 * broadcast (small: every instance holds all of it), the customer table is partitioned like the
 * events (large). One operator instead of three saves two network exchanges and their
 * serialization per event.
 *
 * <p>An event whose product or customer is unknown waits in checkpointed state, and the
 * customer's later events wait behind it, until both are known or its wait deadline (processing
 * time) passes; so each customer's events leave in input order.
 */
public final class Enricher extends KeyedBroadcastProcessFunction<String, EventOrCustomer, ProductUpdate, EnrichedEvent> {

    private static final long serialVersionUID = 1L;

    /** The product table, broadcast to every instance. */
    public static final MapStateDescriptor<String, Product> PRODUCTS =
            new MapStateDescriptor<>("products", Types.STRING, TypeInformation.of(Product.class));

    static final ValueStateDescriptor<Customer> CUSTOMER =
            new ValueStateDescriptor<>("customer", TypeInformation.of(Customer.class));
    static final ListStateDescriptor<PendingEvent> HELD =
            new ListStateDescriptor<>("held-for-reference-data", TypeInformation.of(PendingEvent.class));
    static final ValueStateDescriptor<Boolean> HOLDING = new ValueStateDescriptor<>("holds-events", Types.BOOLEAN);

    private final long maxWaitMs;
    private final long duplicateHorizonMs;

    private transient DuplicateFilter duplicates;
    private transient ValueState<Customer> customer;
    private transient ListState<PendingEvent> held;
    /**
     * Set while the customer's queue is not empty: reading the list to find out would deserialize
     * the whole queue on every event with RocksDB (quadratic in the queue's length).
     */
    private transient ValueState<Boolean> holding;
    /**
     * The products that events held by this instance wait for, since the last scan for each: a
     * product update that nobody waits for skips the scan of every key's queue (while the product
     * table loads next to the events, at a first start, every update would scan them all).
     */
    private transient Set<String> awaited;
    /** After a restore the held queues are not in {@link #awaited}: every update scans, until a scan finds none. */
    private transient boolean heldUnknown;

    private transient Counter duplicatesDropped;
    private transient Counter heldCounter;
    private transient Counter timedOut;
    private transient Counter enriched;

    public Enricher(long maxWaitMs, long duplicateHorizonMs) {
        this.maxWaitMs = maxWaitMs;
        this.duplicateHorizonMs = duplicateHorizonMs;
    }

    @Override
    public void open(OpenContext openContext) {
        duplicates = new DuplicateFilter(getRuntimeContext(), duplicateHorizonMs);
        customer = getRuntimeContext().getState(CUSTOMER);
        held = getRuntimeContext().getListState(HELD);
        holding = getRuntimeContext().getState(HOLDING);
        awaited = new HashSet<>();
        heldUnknown = true;
        var metrics = getRuntimeContext().getMetricGroup();
        duplicatesDropped = ShopMetrics.counter(metrics, ShopMetrics.DUPLICATES_DROPPED);
        heldCounter = ShopMetrics.counter(metrics, ShopMetrics.HELD_FOR_REFERENCE);
        timedOut = ShopMetrics.counter(metrics, ShopMetrics.RELEASED_INCOMPLETE);
        enriched = ShopMetrics.counter(metrics, ShopMetrics.ENRICHED);
    }

    @Override
    public void processElement(EventOrCustomer input, ReadOnlyContext ctx, Collector<EnrichedEvent> out)
            throws Exception {
        ReadOnlyBroadcastState<String, Product> products = ctx.getBroadcastState(PRODUCTS);
        long now = ctx.timerService().currentProcessingTime();
        if (input.customerUpdate() != null) {
            onCustomer(input.customerUpdate(), products::get, now, out);
            return;
        }
        Event event = input.event();
        if (!duplicates.accept(event, ctx.timerService())) {
            duplicatesDropped.inc();
            return;
        }
        Product product = products.get(event.productId());
        if (product != null && holding.value() == null) {
            Customer c = customer.value();
            if (c != null) {
                emit(event, product, c, out);
                return;
            }
        }
        long deadline = now + maxWaitMs;
        held.add(new PendingEvent(event, deadline));
        holding.update(true);
        heldCounter.inc();
        if (product == null) {
            awaited.add(event.productId());
        }
        ctx.timerService().registerProcessingTimeTimer(deadline);
    }

    private void onCustomer(CustomerUpdate update, ProductLookup products, long now, Collector<EnrichedEvent> out)
            throws Exception {
        if (update.isDelete()) {
            customer.clear();
        } else {
            customer.update(update.customer());
        }
        if (holding.value() != null) {
            release(products, now, out);
        }
    }

    @Override
    public void processBroadcastElement(ProductUpdate update, Context ctx, Collector<EnrichedEvent> out)
            throws Exception {
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
        // applyToKeyedState makes each queue's key the current key, so the customer read is that key's.
        ctx.applyToKeyedState(HELD, (key, state) ->
                anyLeft[0] |= release(ctx.getBroadcastState(PRODUCTS)::get, now, out));
        if (!anyLeft[0]) {
            heldUnknown = false;
            awaited.clear();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EnrichedEvent> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            duplicates.forgetExpired(timestamp);
        } else if (holding.value() != null) {
            ReadOnlyBroadcastState<String, Product> products = ctx.getBroadcastState(PRODUCTS);
            release(products::get, timestamp, out);
        }
    }

    @FunctionalInterface
    private interface ProductLookup {
        Product get(String productId) throws Exception;
    }

    /**
     * Releases the current customer's held events from the head of the queue while both their
     * product and customer are known, or their deadline has passed. Returns whether events remain.
     */
    private boolean release(ProductLookup products, long now, Collector<EnrichedEvent> out) throws Exception {
        List<PendingEvent> pending = new ArrayList<>();
        held.get().forEach(pending::add);
        Customer c = customer.value();
        int released = 0;
        for (PendingEvent p : pending) {
            Product product = products.get(p.event().productId());
            boolean complete = product != null && c != null;
            if (!complete && p.deadline() > now) {
                break;
            }
            if (!complete) {
                timedOut.inc();
            }
            emit(p.event(), product, c, out);
            released++;
        }
        if (released == pending.size()) {
            held.clear();
            holding.clear();
            return false;
        }
        if (released > 0) {
            held.update(pending.subList(released, pending.size()));
        }
        return true;
    }

    private void emit(Event event, Product product, Customer c, Collector<EnrichedEvent> out) {
        enriched.inc();
        out.collect(EnrichedEvent.of(event, product, c));
    }
}
