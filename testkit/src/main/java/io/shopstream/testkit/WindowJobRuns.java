package io.shopstream.testkit;

import io.shopstream.common.Await;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.model.EnrichedEvent;
import java.time.Duration;
import java.util.List;
import org.apache.flink.core.execution.JobClient;

/**
 * The runs that the windowing jobs' end-to-end tests share: each feeds {@code shop.events.enriched}
 * in a {@link JobTestbed} and ends with the job stopped, so that its output is final.
 */
public final class WindowJobRuns {

    private WindowJobRuns() {}

    /**
     * A first event per partition, consumed and checkpointed before the bulk arrives: every source
     * instance is running and every partition takes part in the watermark from the start.
     */
    public static void warmUp(JobTestbed bed, JobConfig config, List<List<EnrichedEvent>> input) {
        EnrichedInput.write(bed.kafka(), config.get(ShopOptions.TOPIC_ENRICHED), EnrichedInput.slice(input, 0, 1));
        bed.awaitConsumed(config);
    }

    /**
     * {@code input} paced at parallelism 2, a malformed record (one dead letter), and a failure
     * after a checkpoint taken once {@code afterRecords} records went through the tap point
     * {@code tapPoint}; then a drain. Fails if the failure was not injected.
     */
    public static void withAFailure(JobTestbed bed, JobConfig config, List<List<EnrichedEvent>> input,
            String tapPoint, long afterRecords) throws Exception {
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        FailOnceAfterCheckpoint.Injection failure = bed.failOnceAfterCheckpoint();
        JobClient job = bed.start(config, 2, JobHooks.NONE.tap(tapPoint, failure.tap(afterRecords)));
        warmUp(bed, config, input);
        EnrichedInput.writePaced(bed.kafka(), topic, input, 1, 10);
        EnrichedInput.writeRaw(bed.kafka(), topic, 3, "c-x", "{\"eventId\":");
        bed.awaitConsumed(config);
        bed.stop(job, true);
        if (!failure.hasFailed()) {
            throw new AssertionError("the failure was not injected");
        }
    }

    /**
     * {@code input} in three runs: at parallelism 2 up to event 200 of each partition, stopped
     * with a savepoint; resumed at 1 up to 400, then paused for {@code pause} (0 for none) and
     * stopped again; resumed at 2 to the end, then a drain.
     */
    public static void rescaled(JobTestbed bed, JobConfig config, List<List<EnrichedEvent>> input, Duration pause)
            throws Exception {
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        JobClient job = bed.start(config, 2, JobHooks.NONE);
        warmUp(bed, config, input);
        EnrichedInput.writePaced(bed.kafka(), topic, EnrichedInput.slice(input, 0, 200), 1, 2);
        bed.awaitConsumed(config);
        String savepoint = bed.stop(job, false);

        job = bed.start(config, 1, JobHooks.NONE, savepoint);
        EnrichedInput.writePaced(bed.kafka(), topic, EnrichedInput.slice(input, 0, 400), 200, 2);
        bed.awaitConsumed(config);
        Thread.sleep(pause.toMillis()); // a wall-clock rule (the idle timeout), which nothing outside shows
        savepoint = bed.stop(job, false);

        job = bed.start(config, 2, JobHooks.NONE, savepoint);
        EnrichedInput.writePaced(bed.kafka(), topic, input, 400, 2);
        bed.awaitConsumed(config);
        bed.stop(job, true);
    }

    /**
     * One partition's events in two batches: {@code first}; once {@code fired} holds (output of
     * the first batch committed) and two more checkpoints have completed, {@code second}; then all
     * consumed and a drain. Returns the stopped job (for its {@link JobTestbed#counters}).
     */
    public static JobClient inTwoBatches(JobTestbed bed, JobConfig config, JobHooks hooks, List<EnrichedEvent> first,
            Await.Condition fired, List<EnrichedEvent> second) throws Exception {
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        JobClient job = bed.start(config, 1, hooks);
        EnrichedInput.write(bed.kafka(), topic, List.of(first));
        Await.until(fired, JobTestbed.OUTPUT_TIMEOUT, "the first batch's output");
        bed.awaitCheckpoints(job, 2);
        EnrichedInput.write(bed.kafka(), topic, List.of(second));
        bed.awaitConsumed(config);
        bed.stop(job, true);
        return job;
    }
}
