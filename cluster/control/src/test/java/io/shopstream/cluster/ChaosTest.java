package io.shopstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.Await;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.ShopJob;
import io.shopstream.common.kafka.ProducerSettings;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.generator.GeneratorSettings;
import io.shopstream.generator.ShopGenerator;
import io.shopstream.suite.SuiteJobs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End-to-end chaos on a real local cluster: a Kafka broker, a JobManager and three TaskManagers,
 * each its own process; every job submitted with the real {@code flink run}; a seeded dataset of
 * 200,000 events (with malformed, duplicate and late records); a TaskManager killed with {@code
 * kill -9} twice while windows are open, each time after a completed checkpoint, and replaced;
 * enrich stopped with a savepoint and resumed at parallelism 2; a flush record an hour of event
 * time after the last event closes every window, session and order. Then every output topic is
 * read read_committed and compared with the plain implementations ({@link SuiteOutputs}).
 *
 * <p>Why the downstream results can be exact here although arrival order across partitions is
 * not: watermarks are per Kafka partition, so an event is overtaken only by its own partition's
 * disorder; a restarted job holds the watermark until every partition has delivered or is seen at
 * its end; and after a recovery pause that left every partition idle, a returning partition makes
 * the other idle ones hold the watermark again until they deliver too, so the other partitions'
 * backlog is not made late (see EventTimeSource).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosTest {

    private static final int EVENTS = Integer.getInteger("chaos.events", 200_000);
    private static final int RATE = Integer.getInteger("chaos.rate", 3_000);
    private static final PrintStream OUT = System.out;
    // Event time here runs ~60x faster than the clock. The idle timeout must outlast enrich's
    // recovery (kill to a committed checkpoint, up to a minute on a busy machine): otherwise the
    // payments job would declare the enriched input idle and let payments alone move its
    // watermark by an hour of event time, making the orders enrich then delivers late.
    // A stuck savepoint expires after 2 minutes instead of 5 (see EnrichUpgrade).
    private static final List<String> JOB_ARGS = List.of("-Dexecution.checkpointing.interval=1s",
            "-Dexecution.checkpointing.timeout=2min", "--enrich.max-wait", "20s", "--source.idle-timeout", "2 min");

    private final Map<String, String> jobIds = new TreeMap<>();
    private LocalCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        Path repo = LocalCluster.findRepo();
        Path home = Path.of("target/chaos-cluster").toAbsolutePath();
        deleteTree(home);
        cluster = LocalCluster.onFreePorts(repo, home);
        JobJars.requireFresh(cluster, repo, SuiteJobs.names());
        cluster.up(3, 4, Duration.ofSeconds(120));
    }

    @AfterAll
    void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.stopAll();
        }
    }

    @Test
    @Order(1)
    void killingTaskManagersMidWindowLosesAndDuplicatesNothing() throws Exception {
        JobConfig config = JobConfig.fromArgs("chaos", "--kafka.bootstrap-servers", cluster.bootstrapServers());
        for (String job : SuiteJobs.names()) {
            jobIds.put(job, cluster.cli().submit(job, List.of(), JOB_ARGS));
        }
        OUT.println("Submitted with flink run: " + jobIds);
        Await.until(() -> jobIds.values().stream().allMatch(cluster.rest()::allTasksRunning),
                Duration.ofSeconds(120), "all jobs running");

        List<GeneratedRecord> records = new ArrayList<>();
        new ShopGenerator(GeneratorSettings.fromArgs("--seed", "2026", "--events", String.valueOf(EVENTS),
                "--customers", "5000", "--products", "500", "--late-fraction", "0.002", "--event-time-step", "20 ms",
                // Reference data is complete, so no event waits for it: the contract's exactness applies to every output.
                "--unknown-product-fraction", "0", "--unknown-customer-fraction", "0"))
                .forEachRemaining(records::add);
        List<GeneratedRecord> stream = records.stream().filter(r -> !InputFeed.isReference(r)).toList();
        try (var producer = new KafkaProducer<byte[], byte[]>(ProducerSettings.idempotent(cluster.bootstrapServers()))) {
            InputFeed.loadReference(producer, config, records.stream().filter(InputFeed::isReference).toList(),
                    Duration.ofSeconds(120));
            // Paced, so that the kills land while data is flowing.
            InputFeed feed = new InputFeed(producer, config, stream, RATE, i -> { });
            Thread feeder = feed.start("chaos-feeder");
            TaskManagerKill kill = new TaskManagerKill(cluster, jobIds.values());
            List<String> recoveries = List.of(killAndReplace(kill, feed, stream.size() / 3),
                    killAndReplace(kill, feed, stream.size() * 2 / 3));
            feeder.join();
            feed.requireNoFailure();
            OUT.println("Recoveries (kill -9 to every task RUNNING again):");
            recoveries.forEach(r -> OUT.println("  " + r));
        }

        jobIds.put("enrich", EnrichUpgrade.stopAndResumeAtParallelism2(cluster, config, jobIds.get("enrich"), JOB_ARGS));
        long flushTs = FlushRecords.send(config, stream);

        ChaosDiagnostics diagnostics = new ChaosDiagnostics(cluster, jobIds);
        SuiteOutputs outputs = new SuiteOutputs(cluster, config, diagnostics, flushTs);
        List<EnrichedEvent> before = outputs.assertEnrichExact().stream().filter(e -> e.ts() < flushTs).toList();
        List<List<EnrichedEvent>> partitions = enrichedByPartition(config);
        long now = System.currentTimeMillis();
        ChaosDiagnostics.printDisorder(config, partitions, now);
        outputs.assertCategoryStatsExact(before, partitions, now);
        outputs.assertSessionsExact(before, partitions, now);
        outputs.assertPaymentsExact(before);

        for (String id : jobIds.values()) {
            assertThat(cluster.rest().job(id)).get().extracting(FlinkRest.JobStatus::state).isEqualTo("RUNNING");
        }
    }

    /** The web UI, in a real browser: every job the scenario left running listed by name as RUNNING. */
    @Test
    @Order(2)
    void theWebUiListsEveryJobAsRunning() throws Exception {
        Assumptions.assumeFalse(jobIds.isEmpty(), "the chaos scenario submitted no job");
        RequiredTool.CHROMIUM.require();
        List<String> names = jobIds.keySet().stream().map(ShopJob::displayName).toList();
        Path shot = Path.of("target/webui-running-jobs.png").toAbsolutePath();
        WebUi.assertJobsListedAsRunning(cluster.rest().url(), names, shot);
        OUT.println("Web UI lists " + names + " as RUNNING; screenshot: " + shot);
    }

    /** Once {@code threshold} records are sent and every job checkpointed, kills the newest TaskManager and replaces it. */
    private static String killAndReplace(TaskManagerKill kill, InputFeed feed, int threshold) throws Exception {
        double checkpointS = kill.awaitCheckpointAfter(feed::sent, threshold, Duration.ofSeconds(300));
        OUT.printf("  checkpoint of every job completed %.1f s after %,d records were sent%n", checkpointS, threshold);
        int sentAtKill = feed.sent();
        TaskManagerKill.Outcome k = kill.kill(kill.newestTaskManager(), true);
        return String.format("killed %s at %,d records sent; detected after %.1f s; all tasks RUNNING after %.1f s"
                + " (replacement %s)", k.victim(), sentAtKill, k.detectedS(), k.runningS(), k.replacement());
    }

    private List<List<EnrichedEvent>> enrichedByPartition(JobConfig config) {
        List<List<EnrichedEvent>> partitions = new ArrayList<>();
        String topic = config.get(ShopOptions.TOPIC_ENRICHED);
        for (ConsumerRecord<byte[], byte[]> r : OutputTopics.records(cluster.bootstrapServers(), topic)) {
            while (partitions.size() <= r.partition()) {
                partitions.add(new ArrayList<>());
            }
            String json = new String(r.value(), StandardCharsets.UTF_8);
            partitions.get(r.partition()).add(SuiteOutputs.read(json, EnrichedEvent.class));
        }
        return partitions;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
