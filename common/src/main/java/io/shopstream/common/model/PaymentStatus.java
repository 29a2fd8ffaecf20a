package io.shopstream.common.model;

/** Outcome of a payment attempt as reported by the payment provider. */
public enum PaymentStatus {
    AUTHORIZED,
    CAPTURED,
    FAILED
}
