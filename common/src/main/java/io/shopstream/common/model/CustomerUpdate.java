package io.shopstream.common.model;

/** A record of {@code shop.customers}: a new version of a customer, or its deletion (tombstone). */
public record CustomerUpdate(String customerId, Customer customer) {

    public boolean isDelete() {
        return customer == null;
    }
}
