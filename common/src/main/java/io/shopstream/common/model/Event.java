package io.shopstream.common.model;

/**
 * A validated shop event from {@code shop.events}: {@code ts} in epoch millis, {@code quantity}
 * defaulted to 1, {@code orderId}/{@code amountCents} set only on ORDER events.
 */
public record Event(
        String eventId,
        EventType type,
        String customerId,
        String productId,
        int quantity,
        String orderId,
        Long amountCents,
        long ts) {}
