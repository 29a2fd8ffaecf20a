package io.shopstream.payments;

import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Payment;

/** An order whose payment window is open: what the matcher remembers about it until the window closes. */
public record OpenOrder(
        String orderId, String customerId, long orderTs, long amountCents, boolean paid, int failedAttempts) {

    static OpenOrder of(EnrichedEvent order) {
        return new OpenOrder(order.orderId(), order.customerId(), order.ts(), order.amountCents(), false, 0);
    }

    /** Whether the payment's ts lies in [orderTs - before, orderTs + after] (both ends included). */
    boolean covers(Payment payment, long beforeMs, long afterMs) {
        return payment.ts() >= orderTs - beforeMs && payment.ts() <= orderTs + afterMs;
    }

    OpenOrder withFailedAttempt() {
        return new OpenOrder(orderId, customerId, orderTs, amountCents, paid, failedAttempts + 1);
    }

    OpenOrder asPaid() {
        return new OpenOrder(orderId, customerId, orderTs, amountCents, true, failedAttempts);
    }
}
