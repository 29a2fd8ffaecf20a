package io.shopstream.common.model;

/** A record of {@code shop.products}: a new version of a product, or its deletion (tombstone). */
public record ProductUpdate(String productId, Product product) {

    public boolean isDelete() {
        return product == null;
    }
}
