package io.shopstream.payments;

import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Payment;

/**
 * One input of the payment matcher: an ORDER event or a payment, exactly one of them set. The two
 * inputs travel as one stream so that the matcher acts on one watermark, which the job keeps from
 * going back across restarts (see {@link PaymentsJob}).
 */
public record OrderOrPayment(EnrichedEvent order, Payment payment) {

    public static OrderOrPayment of(EnrichedEvent order) {
        return new OrderOrPayment(order, null);
    }

    public static OrderOrPayment of(Payment payment) {
        return new OrderOrPayment(null, payment);
    }

    /** The matching key. */
    public String orderId() {
        return order != null ? order.orderId() : payment.orderId();
    }

    /** Event time: the order's or the payment's {@code ts}. */
    public long ts() {
        return order != null ? order.ts() : payment.ts();
    }
}
