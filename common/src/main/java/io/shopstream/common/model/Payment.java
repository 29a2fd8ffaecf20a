package io.shopstream.common.model;

/** A validated payment attempt from {@code shop.payments}. */
public record Payment(String paymentId, String orderId, long amountCents, PaymentStatus status, long ts) {}
