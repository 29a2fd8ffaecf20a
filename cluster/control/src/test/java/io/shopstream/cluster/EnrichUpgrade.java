package io.shopstream.cluster;

import io.shopstream.common.Await;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.kafka.TopicReader;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The upgrade path: once enrich has read and checkpointed every event, stop it with a savepoint
 * and resume it from there at parallelism 2. (Resuming at 2 with a backlog would let two writers
 * interleave each enriched partition by up to their skew, beyond the out-of-orderness bound, and
 * the downstream results would then depend on timing.)
 */
final class EnrichUpgrade {

    private static final PrintStream OUT = System.out;

    private EnrichUpgrade() {}

    /** Stops enrich's job {@code jobId} with a savepoint and resumes it at parallelism 2; returns the new job id. */
    static String stopAndResumeAtParallelism2(LocalCluster cluster, JobConfig config, String jobId, List<String> jobArgs)
            throws Exception {
        String group = config.get(ShopOptions.GROUP_ID_PREFIX) + "-enrich";
        String events = config.get(ShopOptions.TOPIC_EVENTS);
        Await.until(() -> TopicReader.lag(cluster.bootstrapServers(), group, events) == 0,
                Duration.ofSeconds(420), "enrich to read and checkpoint every event");
        String savepoint;
        try {
            savepoint = cluster.cli().stopWithSavepoint(jobId);
        } catch (IllegalStateException failed) {
            // A stop whose savepoint expires leaves the job running; Flink restarts it from its last
            // checkpoint, which the exactness checks cover. One retry.
            OUT.println("stop-with-savepoint of enrich FAILED, retrying once: "
                    + failed.getMessage().lines().filter(l -> l.contains("Exception")).findFirst().orElse(""));
            Await.until(() -> cluster.rest().allTasksRunning(jobId), Duration.ofSeconds(180), "enrich running again");
            savepoint = cluster.cli().stopWithSavepoint(jobId);
        }
        String resumed = cluster.cli().submit("enrich", List.of("-s", savepoint, "-p", "2"), jobArgs);
        Await.until(() -> cluster.rest().allTasksRunning(resumed),
                Duration.ofSeconds(120), "enrich resumed from " + savepoint);
        OUT.println("enrich stopped with savepoint " + savepoint + " and resumed at parallelism 2 as " + resumed);
        return resumed;
    }
}
