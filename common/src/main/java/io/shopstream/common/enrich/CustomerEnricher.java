package io.shopstream.common.enrich;

import io.shopstream.common.metrics.ShopMetrics;
import io.shopstream.common.model.Customer;
import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.EnrichedEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins each event with its customer. Customers are large, so the table is partitioned by
 * customer id, like the events. An event whose customer is unknown waits (with the customer's
 * later events behind it) until the customer arrives or its wait deadline passes.
 */
public final class CustomerEnricher extends KeyedCoProcessFunction<String, PendingEvent, CustomerUpdate, EnrichedEvent> {

    private static final long serialVersionUID = 1L;

    static final ValueStateDescriptor<Customer> CUSTOMER =
            new ValueStateDescriptor<>("customer", TypeInformation.of(Customer.class));
    static final ListStateDescriptor<PendingEvent> HELD =
            new ListStateDescriptor<>("held-for-customer", TypeInformation.of(PendingEvent.class));

    private transient ValueState<Customer> customer;
    private transient ListState<PendingEvent> held;
    private transient Counter heldCounter;
    private transient Counter timedOut;
    private transient Counter enriched;

    @Override
    public void open(OpenContext openContext) {
        customer = getRuntimeContext().getState(CUSTOMER);
        held = getRuntimeContext().getListState(HELD);
        heldCounter = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.HELD_FOR_REFERENCE);
        timedOut = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.RELEASED_INCOMPLETE);
        enriched = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.ENRICHED);
    }

    @Override
    public void processElement1(PendingEvent pending, Context ctx, Collector<EnrichedEvent> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        Customer c = customer.value();
        if (c != null) {
            // Nothing waits for a known customer: its arrival released the whole queue. Reading
            // the queue first would cost a RocksDB read (and a deserialization) per event.
            emit(pending, c, out);
            return;
        }
        if (pending.deadline() <= now && !held.get().iterator().hasNext()) {
            emit(pending, null, out);
            return;
        }
        held.add(pending);
        heldCounter.inc();
        ctx.timerService().registerProcessingTimeTimer(Math.max(pending.deadline(), now));
    }

    @Override
    public void processElement2(CustomerUpdate update, Context ctx, Collector<EnrichedEvent> out) throws Exception {
        if (update.isDelete()) {
            customer.clear();
        } else {
            customer.update(update.customer());
        }
        release(ctx.timerService().currentProcessingTime(), out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EnrichedEvent> out) throws Exception {
        release(timestamp, out);
    }

    private void release(long now, Collector<EnrichedEvent> out) throws Exception {
        List<PendingEvent> pending = new ArrayList<>();
        held.get().forEach(pending::add);
        if (pending.isEmpty()) {
            return;
        }
        Customer c = customer.value();
        int released = 0;
        for (PendingEvent p : pending) {
            if (c == null && p.deadline() > now) {
                break;
            }
            if (c == null) {
                timedOut.inc();
            }
            emit(p, c, out);
            released++;
        }
        if (released == pending.size()) {
            held.clear();
        } else if (released > 0) {
            held.update(pending.subList(released, pending.size()));
        }
    }

    private void emit(PendingEvent pending, Customer c, Collector<EnrichedEvent> out) {
        enriched.inc();
        out.collect(EnrichedEvent.of(pending.event(), pending.product(), c));
    }
}
