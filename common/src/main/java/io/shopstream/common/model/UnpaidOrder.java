package io.shopstream.common.model;

/** An order whose payment window closed without a captured payment ({@code shop.orders.unpaid}). */
public record UnpaidOrder(String orderId, String customerId, long orderTs, long amountCents, int failedAttempts) {}
