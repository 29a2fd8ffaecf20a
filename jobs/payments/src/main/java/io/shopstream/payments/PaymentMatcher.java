package io.shopstream.payments;

import io.shopstream.common.metrics.ShopMetrics;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.OrphanedPayment;
import io.shopstream.common.model.PaidOrder;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.PaymentStatus;
import io.shopstream.common.model.UnpaidOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Matches an order with its payments, per {@code orderId}, in event time. Paid orders are the main
 * output; unpaid orders and orphaned payments are side outputs.
 *
 * <ul>
 *   <li>An order waits until the watermark passes {@code orderTs + after}; a captured payment in
 *       its window pays it at once (the first one processed; a later one is a {@code DUPLICATE}
 *       orphan), and if none came it is unpaid, with the {@code FAILED} payments of its window.
 *   <li>A {@code CAPTURED} or {@code FAILED} payment that no open order takes waits until the
 *       watermark passes {@code paymentTs + before}, for an order that arrives later; a captured
 *       one still waiting then is a {@code NO_ORDER} orphan, a failed one that no order counted is
 *       dropped (counted). {@code AUTHORIZED} payments are ignored (counted).
 *   <li>One order per {@code orderId} at a time: another ORDER event with the id while the order
 *       is open is ignored (counted).
 *   <li>A record whose own window has closed already when it arrives (beyond the out-of-orderness
 *       bound) is decided at once with what is still in state: an order is paid by a captured
 *       payment still waiting, else unpaid; a payment still goes to an open order that covers it,
 *       else a captured one is {@code NO_ORDER}. Such records are counted. This relies on the
 *       watermark never going back, also across restarts (the job keeps it).
 * </ul>
 *
 * Once the watermark has passed the end of every window of a key, its state and timers are gone.
 */
public final class PaymentMatcher extends KeyedProcessFunction<String, OrderOrPayment, PaidOrder> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<UnpaidOrder> UNPAID =
            new OutputTag<>("unpaid-orders", TypeInformation.of(UnpaidOrder.class));
    public static final OutputTag<OrphanedPayment> ORPHANED =
            new OutputTag<>("orphaned-payments", TypeInformation.of(OrphanedPayment.class));

    // Counters (group "shopstream" of the "Match payments" operator). Each output record is
    // counted once: paid + unpaid per order verdict, orphaned per orphan record; and every record
    // dropped by design has its counter (authorized, failed without an order, duplicate orders).
    public static final String PAID_ORDERS = "paidOrders";
    public static final String AMOUNT_MISMATCHES = "amountMismatches";
    public static final String UNPAID_ORDERS = "unpaidOrders";
    public static final String ORPHANED_PAYMENTS = "orphanedPayments";
    public static final String DUPLICATE_PAYMENTS = "duplicatePayments";
    public static final String DUPLICATE_ORDERS = "duplicateOrdersIgnored";
    public static final String LATE_ORDERS = "lateOrders";
    public static final String LATE_PAYMENTS = "latePayments";
    public static final String AUTHORIZED_PAYMENTS = "authorizedPaymentsIgnored";
    public static final String FAILED_WITHOUT_ORDER = "failedPaymentsWithoutOrder";

    static final ValueStateDescriptor<OpenOrder> ORDER =
            new ValueStateDescriptor<>("open-order", TypeInformation.of(OpenOrder.class));
    static final ListStateDescriptor<Payment> WAITING =
            new ListStateDescriptor<>("payments-waiting-for-order", TypeInformation.of(Payment.class));
    /**
     * The ids of waiting {@code FAILED} payments that an order has counted: the others are dropped
     * without an order when their window closes. Gone with the payment.
     */
    static final MapStateDescriptor<String, Boolean> FAILED_COUNTED =
            new MapStateDescriptor<>("failed-payments-counted", Types.STRING, Types.BOOLEAN);

    private final long beforeMs;
    private final long afterMs;

    private transient ValueState<OpenOrder> order;
    private transient ListState<Payment> waiting;
    private transient MapState<String, Boolean> failedCounted;
    private transient Counter paidOrders;
    private transient Counter amountMismatches;
    private transient Counter unpaidOrders;
    private transient Counter orphanedPayments;
    private transient Counter duplicatePayments;
    private transient Counter duplicateOrders;
    private transient Counter lateOrders;
    private transient Counter latePayments;
    private transient Counter authorizedPayments;
    private transient Counter failedWithoutOrder;

    /**
     * @param beforeMs how long before an order's ts a payment still matches it
     * @param afterMs how long after an order's ts a payment still matches it
     */
    public PaymentMatcher(long beforeMs, long afterMs) {
        this.beforeMs = beforeMs;
        this.afterMs = afterMs;
    }

    @Override
    public void open(OpenContext openContext) {
        order = getRuntimeContext().getState(ORDER);
        waiting = getRuntimeContext().getListState(WAITING);
        failedCounted = getRuntimeContext().getMapState(FAILED_COUNTED);
        var metrics = getRuntimeContext().getMetricGroup();
        paidOrders = ShopMetrics.counter(metrics, PAID_ORDERS);
        amountMismatches = ShopMetrics.counter(metrics, AMOUNT_MISMATCHES);
        unpaidOrders = ShopMetrics.counter(metrics, UNPAID_ORDERS);
        orphanedPayments = ShopMetrics.counter(metrics, ORPHANED_PAYMENTS);
        duplicatePayments = ShopMetrics.counter(metrics, DUPLICATE_PAYMENTS);
        duplicateOrders = ShopMetrics.counter(metrics, DUPLICATE_ORDERS);
        lateOrders = ShopMetrics.counter(metrics, LATE_ORDERS);
        latePayments = ShopMetrics.counter(metrics, LATE_PAYMENTS);
        authorizedPayments = ShopMetrics.counter(metrics, AUTHORIZED_PAYMENTS);
        failedWithoutOrder = ShopMetrics.counter(metrics, FAILED_WITHOUT_ORDER);
    }

    @Override
    public void processElement(OrderOrPayment input, Context ctx, Collector<PaidOrder> out) throws Exception {
        if (input.order() != null) {
            onOrder(input.order(), ctx, out);
        } else {
            onPayment(input.payment(), ctx, out);
        }
    }

    private void onOrder(EnrichedEvent event, Context ctx, Collector<PaidOrder> out) throws Exception {
        if (order.value() != null) {
            duplicateOrders.inc();
            return;
        }
        OpenOrder open = OpenOrder.of(event);
        // Payments that came first, in the order they were processed.
        List<Payment> stillWaiting = new ArrayList<>();
        boolean taken = false;
        for (Payment payment : waiting.get()) {
            if (!open.covers(payment, beforeMs, afterMs)) {
                stillWaiting.add(payment);
            } else if (payment.status() == PaymentStatus.FAILED) {
                open = open.withFailedAttempt();
                stillWaiting.add(payment); // may still count for a later order with this id
                failedCounted.put(payment.paymentId(), true);
            } else {
                open = settle(open, payment, ctx, out);
                taken = true;
            }
        }
        if (taken) {
            setWaiting(stillWaiting);
        }
        if (open.orderTs() + afterMs <= ctx.timerService().currentWatermark()) {
            // Its window has closed already: decided now, with the payments still in state.
            lateOrders.inc();
            if (!open.paid()) {
                unpaid(open, ctx);
            }
            return;
        }
        order.update(open);
        ctx.timerService().registerEventTimeTimer(open.orderTs() + afterMs);
    }

    private void onPayment(Payment payment, Context ctx, Collector<PaidOrder> out) throws Exception {
        if (payment.status() == PaymentStatus.AUTHORIZED) {
            authorizedPayments.inc();
            return;
        }
        OpenOrder open = order.value();
        boolean counted = false;
        if (open != null && open.covers(payment, beforeMs, afterMs)) {
            if (payment.status() == PaymentStatus.CAPTURED) {
                order.update(settle(open, payment, ctx, out));
                return;
            }
            order.update(open.withFailedAttempt());
            counted = true;
        }
        if (payment.ts() + beforeMs <= ctx.timerService().currentWatermark()) {
            // Its window has closed already: no order to come can take it.
            latePayments.inc();
            if (payment.status() == PaymentStatus.CAPTURED) {
                orphan(payment, OrphanedPayment.NO_ORDER, ctx);
            } else if (!counted) {
                failedWithoutOrder.inc();
            }
            return;
        }
        waiting.add(payment);
        if (counted) {
            failedCounted.put(payment.paymentId(), true);
        }
        ctx.timerService().registerEventTimeTimer(payment.ts() + beforeMs);
    }

    /** A captured payment in the window of {@code open}: pays it, or is a duplicate if already paid. */
    private OpenOrder settle(OpenOrder open, Payment payment, Context ctx, Collector<PaidOrder> out) {
        if (open.paid()) {
            orphan(payment, OrphanedPayment.DUPLICATE, ctx);
            duplicatePayments.inc();
            return open;
        }
        boolean mismatch = payment.amountCents() != open.amountCents();
        out.collect(new PaidOrder(
                open.orderId(), open.customerId(), open.orderTs(), payment.paymentId(), payment.ts(),
                open.amountCents(), payment.amountCents(), mismatch ? PaidOrder.AMOUNT_MISMATCH : PaidOrder.PAID));
        paidOrders.inc();
        if (mismatch) {
            amountMismatches.inc();
        }
        return open.asPaid();
    }

    private void unpaid(OpenOrder open, Context ctx) {
        ctx.output(UNPAID, new UnpaidOrder(
                open.orderId(), open.customerId(), open.orderTs(), open.amountCents(), open.failedAttempts()));
        unpaidOrders.inc();
    }

    private void orphan(Payment payment, String reason, Context ctx) {
        ctx.output(ORPHANED, new OrphanedPayment(
                payment.paymentId(), payment.orderId(), payment.amountCents(), payment.ts(), reason));
        orphanedPayments.inc();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PaidOrder> out) throws Exception {
        OpenOrder open = order.value();
        if (open != null && open.orderTs() + afterMs <= timestamp) {
            if (!open.paid()) {
                unpaid(open, ctx);
            }
            order.clear();
        }
        List<Payment> stillWaiting = new ArrayList<>();
        Set<String> failedExpired = new HashSet<>();
        boolean expired = false;
        for (Payment payment : waiting.get()) {
            if (payment.ts() + beforeMs > timestamp) {
                stillWaiting.add(payment);
            } else {
                expired = true;
                if (payment.status() == PaymentStatus.CAPTURED) {
                    orphan(payment, OrphanedPayment.NO_ORDER, ctx);
                } else {
                    if (!failedCounted.contains(payment.paymentId())) {
                        failedWithoutOrder.inc();
                    }
                    failedExpired.add(payment.paymentId());
                }
            }
        }
        if (expired) {
            setWaiting(stillWaiting);
        }
        for (Payment payment : stillWaiting) {
            failedExpired.remove(payment.paymentId()); // a payment with the same id still waits
        }
        for (String id : failedExpired) {
            failedCounted.remove(id);
        }
    }

    private void setWaiting(List<Payment> payments) throws Exception {
        if (payments.isEmpty()) {
            waiting.clear();
        } else {
            waiting.update(payments);
        }
    }
}
