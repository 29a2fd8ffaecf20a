package io.shopstream.common.model;

/** An order matched with its captured payment ({@code shop.orders.paid}). */
public record PaidOrder(
        String orderId,
        String customerId,
        long orderTs,
        String paymentId,
        long paymentTs,
        long amountCents,
        long paidCents,
        String status) {

    public static final String PAID = "PAID";
    public static final String AMOUNT_MISMATCH = "AMOUNT_MISMATCH";
}
