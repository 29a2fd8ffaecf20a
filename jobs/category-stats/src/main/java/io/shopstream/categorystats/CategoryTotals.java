package io.shopstream.categorystats;

import io.shopstream.common.model.EnrichedEvent;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.SetTypeInfo;

/**
 * The running totals of one category in one window: the window's accumulator. It holds counts
 * and the set of customer ids (for the exact unique count), never the events themselves.
 * Serialized by Flink as a POJO with a native set serializer, never through Kryo.
 */
public final class CategoryTotals {

    /** Flink type information: a POJO whose customer set uses Flink's own set serializer. */
    public static final TypeInformation<CategoryTotals> TYPE =
            Types.POJO(
                    CategoryTotals.class,
                    Map.of(
                            "views", Types.LONG,
                            "addToCarts", Types.LONG,
                            "orders", Types.LONG,
                            "unitsOrdered", Types.LONG,
                            "revenueCents", Types.LONG,
                            "customers", new SetTypeInfo<>(Types.STRING)));

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
