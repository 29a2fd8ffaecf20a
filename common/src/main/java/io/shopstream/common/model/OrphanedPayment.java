package io.shopstream.common.model;

/** A captured payment without an order, or a second one for a paid order ({@code shop.payments.orphaned}). */
public record OrphanedPayment(String paymentId, String orderId, long amountCents, long ts, String reason) {

    public static final String NO_ORDER = "NO_ORDER";
    public static final String DUPLICATE = "DUPLICATE";
}
