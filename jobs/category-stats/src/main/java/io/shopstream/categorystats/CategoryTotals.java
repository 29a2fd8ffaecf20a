package io.shopstream.categorystats;

import io.shopstream.common.model.EnrichedEvent;
import java.util.HashSet;
import java.util.Set;

/**
 * The totals of one category in one window, computed from the window's events when it fires:
 * counts and the set of customer ids (for the exact unique count).
 */
public final class CategoryTotals {

    public long views;
    public long addToCarts;
    public long orders;
    public long unitsOrdered;
    public long revenueCents;
    public Set<String> customers = new HashSet<>();

    public CategoryTotals() {}

    public CategoryTotals add(EnrichedEvent event) {
        switch (event.type()) {
            case VIEW -> views++;
            case ADD_TO_CART -> addToCarts++;
            case ORDER -> {
                orders++;
                unitsOrdered += event.quantity();
                revenueCents += event.amountCents() == null ? 0 : event.amountCents();
            }
        }
        customers.add(event.customerId());
        return this;
    }

    public CategoryTotals merge(CategoryTotals other) {
        views += other.views;
        addToCarts += other.addToCarts;
        orders += other.orders;
        unitsOrdered += other.unitsOrdered;
        revenueCents += other.revenueCents;
        customers.addAll(other.customers);
        return this;
    }

    /** Events counted so far (every event is exactly one of the three types). */
    public long events() {
        return views + addToCarts + orders;
    }
}
