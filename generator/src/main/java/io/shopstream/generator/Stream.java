package io.shopstream.generator;

/** The input topic a generated record belongs to. */
public enum Stream {
    PRODUCTS,
    CUSTOMERS,
    EVENTS,
    PAYMENTS
}
