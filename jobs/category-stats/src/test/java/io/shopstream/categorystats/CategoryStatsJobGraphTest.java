package io.shopstream.categorystats;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.config.JobConfig;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The job's graph as `flink run` would submit it: stable uids, and the keeper in front of the windows. */
class CategoryStatsJobGraphTest {

    private static StreamGraph graph() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(3);
        CategoryStatsJob.JOB.build(env, CategoryStatsJob.JOB.config());
        return env.getStreamGraph();
    }

    @Test
    void everyOperatorHasAStableUid() {
        assertThat(graph().getStreamNodes())
                .extracting(StreamNode::getTransformationUID)
                .doesNotContainNull()
                .contains("source-shop.events.enriched", "validate-enriched", "route-events-from-the-future",
                        "keep-watermark", "category-windows", "count-late-events", "sink-shop.category-stats",
                        "sink-shop.category-stats.late", "sink-shop.dlq");
    }

    @Test
    void theKeptWatermarkGoesStraightIntoTheWindowOperator() {
        JobGraph jobGraph = graph().getJobGraph();
        JobVertex windows = null;
        for (JobVertex v : jobGraph.getVertices()) {
            if (v.getName().contains("Category totals per window")) {
                windows = v;
            }
        }
        assertThat(windows).isNotNull();
        // Chained: the window operator receives the keeper's watermark before any record.
        assertThat(windows.getName()).contains("Keep watermark -> Category totals per window");
    }
}
