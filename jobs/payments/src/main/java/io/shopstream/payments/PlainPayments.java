package io.shopstream.payments;

import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.OrphanedPayment;
import io.shopstream.common.model.PaidOrder;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.PaymentStatus;
import io.shopstream.common.model.UnpaidOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The job's payment matching as a plain single-threaded streaming loop: one pass over orders and
 * payments in arrival order ({@link #onOrder}, {@link #onPayment}) with watermarks
 * ({@link #onWatermark}), deciding as the watermark passes, like {@link PaymentMatcher} but with
 * maps instead of Flink state. It is the single-node baseline of the benchmarks;
 * {@link PlainPaymentMatching} (the whole input at once) stays the tests' reference.
 */
public final class PlainPayments {

    private final long beforeMs;
    private final long afterMs;
    private final Map<String, OpenOrder> open = new HashMap<>();
    private final Map<String, List<Payment>> waiting = new HashMap<>();
    /** When to look at an order id again: its order's window end, or a waiting payment's. */
    private final PriorityQueue<Due> due = new PriorityQueue<>();
    private final List<PaidOrder> paid = new ArrayList<>();
    private final List<UnpaidOrder> unpaid = new ArrayList<>();
    private final List<OrphanedPayment> orphaned = new ArrayList<>();
    private long watermark = Long.MIN_VALUE;

    private record Due(long time, String orderId) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            return Long.compare(time, other.time);
        }
    }

    public PlainPayments(Duration before, Duration after) {
        this.beforeMs = before.toMillis();
        this.afterMs = after.toMillis();
    }

    public void onOrder(EnrichedEvent event) {
        String id = event.orderId();
        if (open.containsKey(id)) {
            return; // one order per id while it is open
        }
        OpenOrder order = OpenOrder.of(event);
        List<Payment> early = waiting.get(id);
        if (early != null) {
            for (Iterator<Payment> it = early.iterator(); it.hasNext(); ) {
                Payment p = it.next();
                if (!order.covers(p, beforeMs, afterMs)) {
                    continue;
                }
                if (p.status() == PaymentStatus.FAILED) {
                    order = order.withFailedAttempt(); // stays: it may count for a later order with this id
                } else {
                    order = settle(order, p);
                    it.remove();
                }
            }
            if (early.isEmpty()) {
                waiting.remove(id);
            }
        }
        long end = order.orderTs() + afterMs;
        if (end <= watermark) {
            if (!order.paid()) {
                unpaid(order); // its window has closed already: decided now
            }
            return;
        }
        open.put(id, order);
        due.add(new Due(end, id));
    }

    public void onPayment(Payment payment) {
        if (payment.status() == PaymentStatus.AUTHORIZED) {
            return;
        }
        String id = payment.orderId();
        OpenOrder order = open.get(id);
        if (order != null && order.covers(payment, beforeMs, afterMs)) {
            if (payment.status() == PaymentStatus.CAPTURED) {
                open.put(id, settle(order, payment));
                return;
            }
            open.put(id, order.withFailedAttempt());
        }
        long end = payment.ts() + beforeMs;
        if (end <= watermark) {
            if (payment.status() == PaymentStatus.CAPTURED) {
                orphan(payment, OrphanedPayment.NO_ORDER); // no order to come can take it
            }
            return;
        }
        waiting.computeIfAbsent(id, k -> new ArrayList<>()).add(payment);
        due.add(new Due(end, id));
    }

    /** Decides every order and waiting payment whose window the watermark has passed. */
    public void onWatermark(long newWatermark) {
        if (newWatermark <= watermark) {
            return;
        }
        watermark = newWatermark;
        while (!due.isEmpty() && due.peek().time() <= watermark) {
            String id = due.poll().orderId();
            OpenOrder order = open.get(id);
            if (order != null && order.orderTs() + afterMs <= watermark) {
                if (!order.paid()) {
                    unpaid(order);
                }
                open.remove(id);
            }
            List<Payment> payments = waiting.get(id);
            if (payments != null) {
                for (Iterator<Payment> it = payments.iterator(); it.hasNext(); ) {
                    Payment p = it.next();
                    if (p.ts() + beforeMs <= watermark) {
                        it.remove();
                        if (p.status() == PaymentStatus.CAPTURED) {
                            orphan(p, OrphanedPayment.NO_ORDER);
                        }
                    }
                }
                if (payments.isEmpty()) {
                    waiting.remove(id);
                }
            }
        }
    }

    private OpenOrder settle(OpenOrder order, Payment payment) {
        if (order.paid()) {
            orphan(payment, OrphanedPayment.DUPLICATE);
            return order;
        }
        paid.add(new PaidOrder(order.orderId(), order.customerId(), order.orderTs(), payment.paymentId(), payment.ts(),
                order.amountCents(), payment.amountCents(),
                payment.amountCents() == order.amountCents() ? PaidOrder.PAID : PaidOrder.AMOUNT_MISMATCH));
        return order.asPaid();
    }

    private void unpaid(OpenOrder order) {
        unpaid.add(new UnpaidOrder(
                order.orderId(), order.customerId(), order.orderTs(), order.amountCents(), order.failedAttempts()));
    }

    private void orphan(Payment payment, String reason) {
        orphaned.add(new OrphanedPayment(payment.paymentId(), payment.orderId(), payment.amountCents(), payment.ts(),
                reason));
    }

    /** Orders and payments still waiting for the watermark. */
    public int open() {
        return open.size() + waiting.values().stream().mapToInt(List::size).sum();
    }

    /** What the job writes for the input so far. */
    public PlainPaymentMatching.Result result() {
        return new PlainPaymentMatching.Result(List.copyOf(paid), List.copyOf(unpaid), List.copyOf(orphaned));
    }
}
