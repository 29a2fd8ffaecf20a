package io.shopstream.categorystats;

import io.shopstream.common.model.EnrichedEvent;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Adds each event to its window's {@link CategoryTotals} as it arrives (incremental aggregation). */
public final class CategoryTotalsAggregator implements AggregateFunction<EnrichedEvent, CategoryTotals, CategoryTotals> {

    private static final long serialVersionUID = 1L;

    @Override
    public CategoryTotals createAccumulator() {
        return new CategoryTotals();
    }

    @Override
    public CategoryTotals add(EnrichedEvent event, CategoryTotals totals) {
        return totals.add(event);
    }

    @Override
    public CategoryTotals getResult(CategoryTotals totals) {
        return totals;
    }

    @Override
    public CategoryTotals merge(CategoryTotals a, CategoryTotals b) {
        return a.merge(b);
    }
}
