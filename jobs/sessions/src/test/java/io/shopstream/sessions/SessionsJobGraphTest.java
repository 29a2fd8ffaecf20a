package io.shopstream.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.config.JobConfig;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The job's graph as `flink run` would submit it: stable uids, and the keeper in front of the sessions operator. */
class SessionsJobGraphTest {

    private static StreamGraph graph() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(3);
        SessionsJob.JOB.build(env, SessionsJob.JOB.config());
        return env.getStreamGraph();
    }

    @Test
    void everyOperatorHasAStableUid() {
        assertThat(graph().getStreamNodes())
                .extracting(StreamNode::getTransformationUID)
                .doesNotContainNull()
                .contains("source-shop.events.enriched", "validate-enriched", "route-events-from-the-future",
                        "keep-watermark", "customer-sessions", "count-late-events", "sink-shop.sessions",
                        "sink-shop.sessions.late", "sink-shop.dlq");
    }

    @Test
    void theKeptWatermarkGoesStraightIntoTheWindowOperator() {
        JobGraph jobGraph = graph().getJobGraph();
        JobVertex sessions = null;
        for (JobVertex v : jobGraph.getVertices()) {
            if (v.getName().contains("Sessions per customer")) {
                sessions = v;
            }
        }
        assertThat(sessions).isNotNull();
        // Chained: the sessions operator receives the keeper's watermark before any record.
        assertThat(sessions.getName()).contains("Keep watermark -> Sessions per customer");
    }
}
