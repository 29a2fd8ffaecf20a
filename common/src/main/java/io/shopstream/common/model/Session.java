package io.shopstream.common.model;

/** Summary of one customer's browsing session ({@code shop.sessions}). */
public record Session(
        String customerId,
        long sessionStart,
        long sessionEnd,
        long durationMs,
        long events,
        long views,
        long addToCarts,
        long orders,
        long revenueCents,
        boolean converted) {}
