package io.shopstream.common.model;

/** What a shopper did. Values are case-sensitive on the wire. */
public enum EventType {
    VIEW,
    ADD_TO_CART,
    ORDER
}
