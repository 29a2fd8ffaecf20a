package io.shopstream.common.enrich;

import io.shopstream.common.metrics.ShopMetrics;
import io.shopstream.common.model.Customer;
import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.Product;
import io.shopstream.common.model.ProductUpdate;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
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
 *
 * <p>Event-time timers are the de-duplication's expiry. Processing-time timers are held events'
 * deadlines and the expiry of ids of events from the future ({@link DuplicateFilter}); one timer
 * may be both, so {@link #onTimer} does both.
 */
public final class Enricher extends KeyedBroadcastProcessFunction<String, EventOrCustomer, ProductUpdate, EnrichedEvent> {

    private static final long serialVersionUID = 1L;

    /** The product table, broadcast to every instance. */
    public static final MapStateDescriptor<String, Product> PRODUCTS =
            new MapStateDescriptor<>("products", Types.STRING, TypeInformation.of(Product.class));

    static final ValueStateDescriptor<Customer> CUSTOMER =
            new ValueStateDescriptor<>("customer", TypeInformation.of(Customer.class));
    /** The customer's held events by position in its queue, from {@link HeldQueue#head} on. */
    static final MapStateDescriptor<Long, PendingEvent> HELD =
            new MapStateDescriptor<>("held-for-reference-data", Types.LONG, TypeInformation.of(PendingEvent.class));
    /** Where the customer's queue starts and ends; absent when nothing is held. */
    static final ValueStateDescriptor<HeldQueue> QUEUE =
            new ValueStateDescriptor<>("held-queue", TypeInformation.of(HeldQueue.class));

    private final long maxWaitMs;
    private final long duplicateHorizonMs;
    private final long maxFutureMs;

    private transient DuplicateFilter duplicates;
    private transient ValueState<Customer> customer;
    /**
     * A queue as a map by position plus its bounds, not a list: an event leaves from the head
     * without the rest being read and rewritten. With a list every release copied the whole queue
     * (and RocksDB deserialized it), so a busy customer whose record never arrives, whose events
     * all wait the full max-wait, cost time quadratic in its queue (42% of the task's time in the
     * benchmark).
     */
    private transient MapState<Long, PendingEvent> held;
    private transient ValueState<HeldQueue> queue;
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

    /**
     * @param maxFutureMs how far ahead of the clock an event's ts may be before its id is forgotten
     *     after the horizon in processing time rather than event time ({@code watermark.max-future})
     */
    public Enricher(long maxWaitMs, long duplicateHorizonMs, long maxFutureMs) {
        this.maxWaitMs = maxWaitMs;
        this.duplicateHorizonMs = duplicateHorizonMs;
        this.maxFutureMs = maxFutureMs;
    }

    @Override
    public void open(OpenContext openContext) {
        duplicates = new DuplicateFilter(getRuntimeContext(), duplicateHorizonMs, maxFutureMs);
        customer = getRuntimeContext().getState(CUSTOMER);
        held = getRuntimeContext().getMapState(HELD);
        queue = getRuntimeContext().getState(QUEUE);
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
            onCustomer(input.customerUpdate(), products::get, now, ctx.timerService(), out);
            return;
        }
        Event event = input.event();
        if (!duplicates.accept(event, now, ctx.timerService())) {
            duplicatesDropped.inc();
            return;
        }
        Product product = products.get(event.productId());
        HeldQueue q = queue.value();
        if (product != null && q == null) {
            Customer c = customer.value();
            if (c != null) {
                emit(event, product, c, out);
                return;
            }
        }
        long deadline = now + maxWaitMs;
        if (q == null) {
            q = new HeldQueue(0, 0);
            // Only the head waits on a timer; the next one gets its timer when it becomes the head.
            ctx.timerService().registerProcessingTimeTimer(deadline);
        }
        held.put(q.tail(), new PendingEvent(event, deadline));
        queue.update(new HeldQueue(q.head(), q.tail() + 1));
        heldCounter.inc();
        if (product == null) {
            awaited.add(event.productId());
        }
    }

    private void onCustomer(CustomerUpdate update, ProductLookup products, long now, TimerService timers,
            Collector<EnrichedEvent> out) throws Exception {
        if (update.isDelete()) {
            customer.clear();
        } else {
            customer.update(update.customer());
        }
        if (queue.value() != null) {
            release(products, now, timers, out);
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
        // applyToKeyedState makes each queue's key the current key, so the state read is that key's.
        ctx.applyToKeyedState(QUEUE, (key, state) ->
                anyLeft[0] |= release(ctx.getBroadcastState(PRODUCTS)::get, now, null, out));
        if (!anyLeft[0]) {
            heldUnknown = false;
            awaited.clear();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EnrichedEvent> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            duplicates.forgetExpired(timestamp);
            return;
        }
        duplicates.forgetFromTheFuture(timestamp);
        if (queue.value() != null) {
            ReadOnlyBroadcastState<String, Product> products = ctx.getBroadcastState(PRODUCTS);
            release(products::get, timestamp, ctx.timerService(), out);
        }
    }

    @FunctionalInterface
    private interface ProductLookup {
        Product get(String productId) throws Exception;
    }

    /**
     * Releases the current customer's held events from the head of the queue while both their
     * product and customer are known, or their deadline has passed. Returns whether events remain;
     * then the head gets a timer for its deadline ({@code timers} null on the broadcast side).
     */
    private boolean release(ProductLookup products, long now, TimerService timers, Collector<EnrichedEvent> out)
            throws Exception {
        HeldQueue q = queue.value();
        Customer c = customer.value();
        long head = q.head();
        PendingEvent waiting = null;
        for (; head < q.tail(); head++) {
            PendingEvent p = held.get(head);
            Product product = products.get(p.event().productId());
            boolean complete = product != null && c != null;
            if (!complete && p.deadline() > now) {
                waiting = p;
                break;
            }
            if (!complete) {
                timedOut.inc();
            }
            emit(p.event(), product, c, out);
            held.remove(head);
        }
        if (waiting == null) {
            queue.clear();
            return false;
        }
        if (head != q.head()) {
            queue.update(new HeldQueue(head, q.tail()));
        }
        if (timers != null) {
            // Registering the same time again is a no-op. On the broadcast side there are no keyed
            // timers; the old head's timer is still set, fires no later, and gets here.
            timers.registerProcessingTimeTimer(waiting.deadline());
        }
        return true;
    }

    private void emit(Event event, Product product, Customer c, Collector<EnrichedEvent> out) {
        enriched.inc();
        out.collect(EnrichedEvent.of(event, product, c));
    }
}
