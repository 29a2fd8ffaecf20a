package io.shopstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.job.ShopJob;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

/** A job's graph as {@code flink run} would submit it (default configuration), for the graph tests. */
public final class JobGraphs {

    private JobGraphs() {}

    /** The job's stream graph at {@code parallelism}. */
    public static StreamGraph streamGraph(ShopJob job, int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        job.build(env, job.config());
        return env.getStreamGraph();
    }

    /** Every operator's uid; fails naming an operator without one. */
    public static List<String> uids(ShopJob job) {
        List<String> uids = new ArrayList<>();
        for (StreamNode node : streamGraph(job, 3).getStreamNodes()) {
            if (node.getTransformationUID() == null) {
                throw new AssertionError("operator '" + node.getOperatorName() + "' of " + job + " has no uid");
            }
            uids.add(node.getTransformationUID());
        }
        return uids;
    }

    /** The name of the task (chain of operators) that holds the operator named {@code operator}. */
    public static String chainOf(ShopJob job, String operator) {
        for (JobVertex v : streamGraph(job, 3).getJobGraph().getVertices()) {
            if (v.getName().contains(operator)) {
                return v.getName();
            }
        }
        throw new AssertionError(job + " has no operator named '" + operator + "'");
    }

    /**
     * The windowing jobs' graph rule: every operator has a uid, among them {@code uids}, and the
     * watermark keeper is chained right in front of {@code operator}, so that it receives the kept
     * watermark before any record.
     */
    public static void assertStableUidsAndKeeperBefore(ShopJob job, String operator, String... uids) {
        assertThat(uids(job)).contains(uids);
        assertThat(chainOf(job, operator)).contains("Keep watermark -> " + operator);
    }
}
