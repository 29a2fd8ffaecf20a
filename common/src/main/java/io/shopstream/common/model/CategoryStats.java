package io.shopstream.common.model;

/** Totals of one category in one tumbling event-time window ({@code shop.category-stats}). */
public record CategoryStats(
        String category,
        long windowStart,
        long windowEnd,
        long views,
        long addToCarts,
        long orders,
        long unitsOrdered,
        long revenueCents,
        long uniqueCustomers,
        int revision) {

    /** The compacted topic's key: one entry per category and window, the latest revision wins. */
    public String key() {
        return category + "|" + windowStart;
    }
}
