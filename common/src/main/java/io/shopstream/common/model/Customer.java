package io.shopstream.common.model;

/** A customer profile from the compacted {@code shop.customers} topic. */
public record Customer(String customerId, String country, String segment) {}
