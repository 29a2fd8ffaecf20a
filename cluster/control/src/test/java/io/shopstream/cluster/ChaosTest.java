package io.shopstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.Json;
import io.shopstream.common.kafka.TopicReader;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.enrich.PlainEnrich;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.generator.GeneratorSettings;
import io.shopstream.generator.ShopGenerator;
import io.shopstream.generator.Stream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End-to-end chaos on a real local cluster: a Kafka broker, a JobManager and three TaskManagers,
 * each its own process; every job submitted with the real {@code flink run}; a seeded dataset of
 * 200,000 events (with malformed, duplicate and late records); a TaskManager killed with {@code
 * kill -9} twice while windows are open, each time after a completed checkpoint, and replaced.
 * Then enrich's outputs are read read_committed and compared with PlainEnrich record for record,
 * and every job must still be RUNNING. The downstream jobs' outputs are not compared here yet:
 * with event time running ~60x faster than the clock, the enriched topic's cross-partition
 * disorder exceeds the bound, so the plain implementations' arrival model does not apply, and
 * the category-stats accounting did not settle within 300 s in the runs tried (open finding).
 */
class ChaosTest {

    private static final int EVENTS = Integer.getInteger("chaos.events", 200_000);
    private static final int RATE = Integer.getInteger("chaos.rate", 3_000);
    private static final PrintStream OUT = System.out;

    private LocalCluster cluster;

    @BeforeEach
    void startCluster() throws Exception {
        Path home = Path.of("target/chaos-cluster").toAbsolutePath();
        deleteTree(home);
        cluster = new LocalCluster(LocalCluster.findRepo(), home, freePort(), freePortPair());
        cluster.startKafka();
        ClusterCli.createTopics(cluster, 4);
        cluster.startJobManager();
        for (int i = 0; i < 3; i++) {
            cluster.startTaskManager();
        }
        cluster.awaitTaskManagers(3, Duration.ofSeconds(120));
    }

    @AfterEach
    void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.stopAll();
        }
    }

    @Test
    void killingTaskManagersMidWindowLosesAndDuplicatesNothing() throws Exception {
        JobConfig config = JobConfig.fromArgs("chaos", "--kafka.bootstrap-servers", cluster.bootstrapServers());
        List<String> jobArgs = List.of("-Dexecution.checkpointing.interval=1s", "--enrich.max-wait", "20s");
        Map<String, String> jobIds = new TreeMap<>();
        for (String job : ClusterCli.JOBS) {
            if (jarExists(job)) {
                jobIds.put(job, cluster.submit(job, List.of(), jobArgs));
            }
        }
        OUT.println("Submitted with flink run: " + jobIds);
        LocalCluster.await("all jobs running", Duration.ofSeconds(120),
                () -> jobIds.values().stream().allMatch(cluster::allTasksRunning));

        List<GeneratedRecord> records = new ArrayList<>();
        new ShopGenerator(GeneratorSettings.fromArgs("--seed", "2026", "--events", String.valueOf(EVENTS),
                "--customers", "5000", "--products", "500", "--lateFraction", "0.002", "--eventTimeStepMs", "20",
                // Reference data is complete, so no event waits for it.
                "--unknownProductFraction", "0", "--unknownCustomerFraction", "0"))
                .forEachRemaining(records::add);
        List<GeneratedRecord> reference = records.stream().filter(r -> isReference(r.stream())).toList();
        List<GeneratedRecord> stream = records.stream().filter(r -> !isReference(r.stream())).toList();

        AtomicInteger sent = new AtomicInteger();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            for (GeneratedRecord r : reference) {
                producer.send(new ProducerRecord<>(topic(config, r.stream()), r.key(), r.value()));
            }
            producer.flush();
            // The contract's exactness holds for reference data loaded before the events.
            String group = config.get(ShopOptions.GROUP_ID_PREFIX) + "-enrich";
            LocalCluster.await("enrich to load the reference data", Duration.ofSeconds(120),
                    () -> TopicReader.lag(cluster.bootstrapServers(), group, config.get(ShopOptions.TOPIC_PRODUCTS))
                            + TopicReader.lag(cluster.bootstrapServers(), group, config.get(ShopOptions.TOPIC_CUSTOMERS)) == 0);
            Thread feeder = new Thread(() -> {
                long start = System.nanoTime();
                for (GeneratedRecord r : stream) {
                    producer.send(new ProducerRecord<>(topic(config, r.stream()), r.key(), r.value()));
                    int n = sent.incrementAndGet();
                    if (n % 1000 == 0) {
                        // Paced (default 4,000 records/s), so that the kills land while data is flowing.
                        long due = start + Duration.ofMillis(n * 1000L / RATE).toNanos();
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            sleepNanos(wait);
                        }
                    }
                }
                producer.flush();
            }, "chaos-feeder");
            feeder.start();

            List<String> recoveries = new ArrayList<>();
            recoveries.add(killAndReplace(jobIds, sent, stream.size() / 3));
            recoveries.add(killAndReplace(jobIds, sent, stream.size() * 2 / 3));
            feeder.join();
            OUT.println("Recoveries (kill -9 to every task RUNNING again):");
            recoveries.forEach(r -> OUT.println("  " + r));
        }

        // Upgrade path: stop enrich with a savepoint, resume it from there at parallelism 2.
        String savepoint = cluster.stopWithSavepoint(jobIds.get("enrich"));
        String resumed = cluster.submit("enrich", List.of("-s", savepoint, "-p", "2"), jobArgs);
        jobIds.put("enrich", resumed);
        LocalCluster.await("enrich resumed from " + savepoint, Duration.ofSeconds(120), () -> cluster.allTasksRunning(resumed));
        OUT.println("enrich stopped with savepoint " + savepoint + " and resumed at parallelism 2 as " + resumed);

        // enrich: exactly what the plain implementation computes from the same topics.
        PlainEnrich.Collected expected = new PlainEnrich.Collected();
        PlainEnrich oracle = new PlainEnrich(config);
        oracle.consumeToEnd(config, expected);
        String enrichedTopic = config.get(ShopOptions.TOPIC_ENRICHED);
        try {
            // Generous: on a loaded 2-core machine checkpoints (and so commits) were seen to take 45 s.
            LocalCluster.await("all enriched events committed", Duration.ofSeconds(420),
                    () -> count(enrichedTopic) >= expected.enriched.size());
        } catch (IllegalStateException timedOut) {
            OUT.println(timedOut.getMessage() + "; job states and exceptions:");
            for (String id : jobIds.values()) {
                OUT.println("  " + cluster.job(id) + " " + cluster.get("/jobs/" + id + "/exceptions").map(Object::toString)
                        .map(t -> t.substring(0, Math.min(2000, t.length()))).orElse(""));
            }
        }
        Thread.sleep(5000); // a few more checkpoints: nothing else may show up

        List<String> actualEnriched = values(enrichedTopic);
        List<String> expectedEnriched = expected.enriched.stream().map(Json::writeString).toList();
        assertThat(difference(expectedEnriched, actualEnriched)).as("enriched events: expected vs actual").isEmpty();
        assertThat(perKeyInOrder(actualEnriched)).isEqualTo(perKeyInOrder(expectedEnriched));

        List<String> actualDlq = values(config.get(ShopOptions.TOPIC_DLQ)).stream()
                .map(ChaosTest::withoutTime).filter(d -> d.job().equals("enrich")).map(Json::writeString).sorted().toList();
        List<String> expectedDlq = expected.deadLetters.stream().map(ChaosTest::withoutTime).map(Json::writeString).sorted().toList();
        assertThat(difference(expectedDlq, actualDlq)).as("dead letters: expected vs actual").isEmpty();
        assertThat(oracle.recordsRead())
                .isEqualTo(oracle.referenceUpdatesApplied() + actualEnriched.size() + actualDlq.size() + oracle.duplicatesDropped());
        OUT.printf("enrich: %d enriched, %d dead-lettered, %d duplicates dropped: identical to the plain implementation%n",
                actualEnriched.size(), actualDlq.size(), oracle.duplicatesDropped());


        for (String id : jobIds.values()) {
            assertThat(cluster.job(id)).get().extracting(LocalCluster.JobStatus::state).isEqualTo("RUNNING");
        }

        // The web UI, in a real browser: every job listed by name as RUNNING.
        List<String> names = jobIds.keySet().stream().map(j -> "ShopStream " + j).toList();
        if (WebUi.chromiumInstalled()) {
            Path shot = Path.of("target/webui-running-jobs.png").toAbsolutePath();
            WebUi.assertJobsListedAsRunning(cluster.restUrl(), names, shot);
            OUT.println("Web UI lists " + names + " as RUNNING; screenshot: " + shot);
        } else {
            assertThat(System.getenv("CI")).as("CI must have Chromium for the web UI check").isNull();
            OUT.println("Chromium not installed: web UI check skipped (bin/shopstream-test installs it)");
        }
    }

    /**
     * Waits until {@code threshold} records are sent and every job completed a checkpoint after
     * that, kills the newest TaskManager with SIGKILL, starts a replacement, and times the recovery.
     */
    private String killAndReplace(Map<String, String> jobIds, AtomicInteger sent, int threshold) throws Exception {
        LocalCluster.await(threshold + " records sent", Duration.ofSeconds(300), () -> sent.get() >= threshold);
        Map<String, Long> before = new TreeMap<>();
        jobIds.values().forEach(id -> before.put(id, cluster.completedCheckpoints(id)));
        long waitStart = System.nanoTime();
        LocalCluster.await("a completed checkpoint of every job", Duration.ofSeconds(120),
                () -> jobIds.values().stream().allMatch(id -> cluster.completedCheckpoints(id) > before.get(id)));
        OUT.printf("  checkpoint of every job completed %.1f s after %,d records were sent%n",
                (System.nanoTime() - waitStart) / 1e9, threshold);
        List<String> tms = cluster.processNames().stream().filter(n -> n.startsWith(LocalCluster.TASKMANAGER_PREFIX)).toList();
        String victim = tms.get(tms.size() - 1);
        long killedAt = System.nanoTime();
        int sentAtKill = sent.get();
        cluster.kill(victim);
        String replacement = cluster.startTaskManager();
        LocalCluster.await("the JobManager to notice the loss", Duration.ofSeconds(60),
                () -> jobIds.values().stream().anyMatch(id -> !cluster.allTasksRunning(id)) || cluster.registeredTaskManagers() < 3);
        double detected = (System.nanoTime() - killedAt) / 1e9;
        LocalCluster.await("every job running again", Duration.ofSeconds(180),
                () -> jobIds.values().stream().allMatch(cluster::allTasksRunning));
        double running = (System.nanoTime() - killedAt) / 1e9;
        return String.format("killed %s at %,d records sent; detected after %.1f s; all tasks RUNNING after %.1f s (replacement %s)",
                victim, sentAtKill, detected, running, replacement);
    }

    private long count(String topic) {
        long[] n = {0};
        TopicReader.readToEnd(cluster.bootstrapServers(), topic, r -> n[0]++);
        return n[0];
    }

    private List<String> values(String topic) {
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
        TopicReader.readToEnd(cluster.bootstrapServers(), topic, list::add);
        list.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return list.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    /** A readable summary of how two multisets of records differ; empty when they are equal. */
    static String difference(List<String> expected, List<String> actual) {
        Map<String, Integer> counts = new TreeMap<>();
        expected.forEach(e -> counts.merge(e, 1, Integer::sum));
        actual.forEach(a -> counts.merge(a, -1, Integer::sum));
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        counts.forEach((record, n) -> {
            for (int i = 0; i < Math.abs(n); i++) {
                (n > 0 ? missing : extra).add(record);
            }
        });
        if (missing.isEmpty() && extra.isEmpty()) {
            return "";
        }
        return String.format("expected %d, actual %d; %d missing, e.g. %s; %d unexpected (duplicates or wrong), e.g. %s",
                expected.size(), actual.size(), missing.size(), missing.stream().limit(5).toList(),
                extra.size(), extra.stream().limit(5).toList());
    }

    /** Groups JSON records by customer, keeping their order: the contract's per-customer order. */
    private static Map<String, List<String>> perKeyInOrder(List<String> json) {
        Function<String, String> customer = s -> {
            try {
                return Json.MAPPER.readTree(s).path("customerId").asText();
            } catch (IOException e) {
                throw new AssertionError(s, e);
            }
        };
        return json.stream().collect(Collectors.groupingBy(customer, TreeMap::new, Collectors.toList()));
    }

    private static DeadLetter withoutTime(String json) {
        try {
            return withoutTime(Json.MAPPER.readValue(json, DeadLetter.class));
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }

    private static DeadLetter withoutTime(DeadLetter d) {
        return new DeadLetter(d.reason(), d.detail(), d.sourceTopic(), d.partition(), d.offset(), d.key(), d.rawValue(),
                d.rawValueBase64(), d.job(), 0L);
    }

    private boolean jarExists(String job) {
        try {
            cluster.jobJar(job);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean isReference(Stream s) {
        return s == Stream.PRODUCTS || s == Stream.CUSTOMERS;
    }

    private static String topic(JobConfig config, Stream s) {
        return switch (s) {
            case PRODUCTS -> config.get(ShopOptions.TOPIC_PRODUCTS);
            case CUSTOMERS -> config.get(ShopOptions.TOPIC_CUSTOMERS);
            case EVENTS -> config.get(ShopOptions.TOPIC_EVENTS);
            case PAYMENTS -> config.get(ShopOptions.TOPIC_PAYMENTS);
        };
    }

    private Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        return p;
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A port p such that p and p + 1 are free (broker and controller listeners). */
    private static int freePortPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = freePort();
            try (ServerSocket s = new ServerSocket(p + 1, 1, java.net.InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("No free port pair");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
