package io.shopstream.testkit.compare;

import io.shopstream.common.json.Json;
import io.shopstream.common.model.CategoryStats;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest revision of each window's {@link CategoryStats}, as the compacted topic keeps it:
 * the highest revision per {@link CategoryStats#key()}, and of equal revisions the later record
 * (compaction keeps the last one written).
 */
public final class FinalRevisions {

    private FinalRevisions() {}

    /** The final revision per window key, keys sorted. */
    public static Map<String, CategoryStats> of(Collection<CategoryStats> revisions) {
        Map<String, CategoryStats> last = new TreeMap<>();
        for (CategoryStats s : revisions) {
            last.merge(s.key(), s, (a, b) -> b.revision() >= a.revision() ? b : a);
        }
        return last;
    }

    /** The events the final revisions count (views, adds to cart and orders). */
    public static long eventsCounted(Collection<CategoryStats> revisions) {
        return of(revisions).values().stream().mapToLong(s -> s.views() + s.addToCarts() + s.orders()).sum();
    }

    /**
     * The final revisions' JSON with revision 0, sorted: the totals, which must be the oracle's,
     * without the revision numbers, which depend on when late events arrived.
     */
    public static List<String> totals(Collection<CategoryStats> revisions) {
        return of(revisions).values().stream()
                .map(FinalRevisions::withoutRevision)
                .map(Json::writeString)
                .sorted()
                .toList();
    }

    /** {@code stats} with revision 0. */
    public static CategoryStats withoutRevision(CategoryStats s) {
        return new CategoryStats(s.category(), s.windowStart(), s.windowEnd(), s.views(), s.addToCarts(), s.orders(),
                s.unitsOrdered(), s.revenueCents(), s.uniqueCustomers(), 0);
    }
}
