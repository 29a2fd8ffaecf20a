package io.shopstream.common.model;

/** A catalogue entry from the compacted {@code shop.products} topic. */
public record Product(String productId, String name, String category, long priceCents) {}
