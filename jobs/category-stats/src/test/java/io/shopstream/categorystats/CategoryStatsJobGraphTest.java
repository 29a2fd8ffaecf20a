package io.shopstream.categorystats;

import io.shopstream.testkit.JobGraphs;
import org.junit.jupiter.api.Test;

/** The job's graph as `flink run` would submit it: stable uids, and the keeper in front of the windows. */
class CategoryStatsJobGraphTest {

    @Test
    void everyOperatorHasAStableUidAndTheKeptWatermarkGoesStraightIntoTheWindows() {
        JobGraphs.assertStableUidsAndKeeperBefore(CategoryStatsJob.JOB, "Category totals per window",
                "source-shop.events.enriched", "validate-enriched",
                "route-events-from-the-future", "keep-watermark", "category-windows", "count-late-events",
                "sink-shop.category-stats", "sink-shop.category-stats.late", "sink-shop.dlq");
    }
}
