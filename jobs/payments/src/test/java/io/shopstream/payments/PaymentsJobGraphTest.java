package io.shopstream.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.time.WatermarkKeeper;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.junit.jupiter.api.Test;

/**
 * The production graph of {@link PaymentsJob#build}: every operator has a stable uid, and the
 * watermark keeper sits right in front of the matcher (one-to-one), behind the shuffle that
 * unites both inputs, so it keeps exactly the watermark the matcher acts on.
 */
class PaymentsJobGraphTest {

    @Test
    void theKeeperSeesBothInputsAndFeedsTheMatcherOneToOne() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        PaymentsJob.JOB.build(env, PaymentsJob.JOB.config());
        StreamGraph graph = env.getStreamGraph();

        assertThat(graph.getStreamNodes()).allSatisfy(node ->
                assertThat(node.getTransformationUID()).as("uid of " + node.getOperatorName()).isNotBlank());

        StreamNode matcher = node(graph, PaymentsJob.MATCH_UID);
        StreamNode keeper = node(graph, PaymentsJob.KEEP_WATERMARK_UID);
        assertThat(keeper.getOperatorName()).isEqualTo(WatermarkKeeper.NAME);
        assertThat(matcher.getInEdges()).singleElement().satisfies(edge -> {
            assertThat(edge.getSourceId()).isEqualTo(keeper.getId());
            assertThat(edge.getPartitioner()).isInstanceOf(ForwardPartitioner.class);
        });
        List<StreamEdge> keeperInputs = keeper.getInEdges();
        assertThat(keeperInputs).extracting(e -> graph.getStreamNode(e.getSourceId()).getTransformationUID())
                .containsExactlyInAnyOrder(PaymentsJob.ORDERS_AS_INPUT_UID, PaymentsJob.PAYMENTS_AS_INPUT_UID);
        assertThat(keeperInputs).allSatisfy(e -> assertThat(e.getPartitioner()).isInstanceOf(KeyGroupStreamPartitioner.class));
    }

    private static StreamNode node(StreamGraph graph, String uid) {
        return graph.getStreamNodes().stream()
                .filter(n -> uid.equals(n.getTransformationUID()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no operator with uid " + uid));
    }
}
