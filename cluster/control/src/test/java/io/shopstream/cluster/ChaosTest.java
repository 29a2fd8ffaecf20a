package io.shopstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.categorystats.CategoryStatsOptions;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.ShopJob;
import io.shopstream.common.json.Json;
import io.shopstream.common.kafka.ProducerSettings;
import io.shopstream.common.kafka.TopicReader;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.time.EventTime;
import io.shopstream.enrich.PlainEnrich;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.generator.GeneratorSettings;
import io.shopstream.generator.ShopGenerator;
import io.shopstream.generator.Stream;
import io.shopstream.payments.PaymentsOptions;
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
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End-to-end chaos on a real local cluster: a Kafka broker, a JobManager and three TaskManagers,
 * each its own process; every job submitted with the real {@code flink run}; a seeded dataset of
 * 200,000 events (with malformed, duplicate and late records); a TaskManager killed with {@code
 * kill -9} twice while windows are open, each time after a completed checkpoint, and replaced.
 * Then every output topic is read read_committed and compared with the plain implementations:
 * enrich record for record (per customer in order) and its dead letters; category-stats' final
 * revision of every window, sessions and payments' paid, unpaid and orphaned records exactly,
 * with every event counted once. A flush record an hour of event time after the last event
 * closes every window, session and order first.
 *
 * <p>Why the downstream results can be exact here although arrival order across partitions is
 * not: watermarks are per Kafka partition, so an event is overtaken only by its own partition's
 * disorder; a restarted job holds the watermark until every partition has delivered or is seen at
 * its end; and after a recovery pause that left every partition idle, a returning partition makes
 * the other idle ones hold the watermark again until they deliver too, so the other partitions'
 * backlog is not made late (see EventTimeSource).
 */
class ChaosTest {

    private static final int EVENTS = Integer.getInteger("chaos.events", 200_000);
    private static final int RATE = Integer.getInteger("chaos.rate", 3_000);
    private static final PrintStream OUT = System.out;

    private LocalCluster cluster;
    private long flushTs;

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
        // Event time here runs ~60x faster than the clock. The idle timeout must outlast enrich's
        // recovery (kill to a committed checkpoint, up to a minute on a busy machine): otherwise the
        // payments job would declare the enriched input idle and let payments alone move its
        // watermark by an hour of event time, making the orders enrich then delivers late.
        // A stuck savepoint expires after 2 minutes instead of 5 (see the stop below).
        List<String> jobArgs = List.of("-Dexecution.checkpointing.interval=1s", "-Dexecution.checkpointing.timeout=2min",
                "--enrich.max-wait", "20s", "--source.idle-timeout", "2 min");
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
                // Reference data is complete, so no event waits for it: the contract's exactness applies to every output.
                "--unknownProductFraction", "0", "--unknownCustomerFraction", "0"))
                .forEachRemaining(records::add);
        List<GeneratedRecord> reference = records.stream().filter(r -> isReference(r.stream())).toList();
        List<GeneratedRecord> stream = records.stream().filter(r -> !isReference(r.stream())).toList();

        AtomicInteger sent = new AtomicInteger();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ProducerSettings.idempotent(cluster.bootstrapServers()))) {
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

        // Upgrade path: once enrich has read and checkpointed every event, stop it with a
        // savepoint and resume it from there at parallelism 2. (Resuming at 2 with a backlog
        // would let two writers interleave each enriched partition by up to their skew, beyond
        // the out-of-orderness bound, and the downstream results would then depend on timing.)
        String enrichGroup = config.get(ShopOptions.GROUP_ID_PREFIX) + "-enrich";
        LocalCluster.await("enrich to read and checkpoint every event", Duration.ofSeconds(420),
                () -> TopicReader.lag(cluster.bootstrapServers(), enrichGroup, config.get(ShopOptions.TOPIC_EVENTS)) == 0);
        String savepoint;
        try {
            savepoint = cluster.stopWithSavepoint(jobIds.get("enrich"));
        } catch (IllegalStateException failed) {
            // Seen twice on this machine: the stop's savepoint never completed and expired (open
            // finding). A failed stop leaves the job running; Flink restarts it from its last
            // checkpoint, which the exactness checks below cover. One retry.
            OUT.println("stop-with-savepoint of enrich FAILED, retrying once: "
                    + failed.getMessage().lines().filter(l -> l.contains("Exception")).findFirst().orElse(""));
            LocalCluster.await("enrich running again", Duration.ofSeconds(180), () -> cluster.allTasksRunning(jobIds.get("enrich")));
            savepoint = cluster.stopWithSavepoint(jobIds.get("enrich"));
        }
        String resumed = cluster.submit("enrich", List.of("-s", savepoint, "-p", "2"), jobArgs);
        jobIds.put("enrich", resumed);
        LocalCluster.await("enrich resumed from " + savepoint, Duration.ofSeconds(120), () -> cluster.allTasksRunning(resumed));
        OUT.println("enrich stopped with savepoint " + savepoint + " and resumed at parallelism 2 as " + resumed);

        // Close every window, session and order: one event an hour of event time after the last,
        // on every partition, moves every job's watermark past all the data above (the
        // generator's event from the far future excepted: it never moves a watermark).
        long now = System.currentTimeMillis();
        long lastTs = stream.stream().filter(r -> r.stream() == Stream.EVENTS).mapToLong(ChaosTest::tsOf)
                .filter(ts -> !EventTime.isFromTheFuture(ts, now, config.get(ShopOptions.MAX_FUTURE))).max().orElseThrow();
        flushTs = lastTs + Duration.ofHours(1).toMillis();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ProducerSettings.idempotent(cluster.bootstrapServers()))) {
            for (int partition = 0; partition < 4; partition++) {
                String customer = keyFor(partition, "c-"); // known customers and product: nothing waits
                String order = keyFor(partition, "flush-o-");
                producer.send(new ProducerRecord<>(config.get(ShopOptions.TOPIC_EVENTS), utf8(customer), utf8(String.format(
                        "{\"eventId\":\"flush-%d\",\"type\":\"VIEW\",\"customerId\":\"%s\",\"productId\":\"p-1\",\"ts\":%d}",
                        partition, customer, flushTs))));
                producer.send(new ProducerRecord<>(config.get(ShopOptions.TOPIC_PAYMENTS), utf8(order), utf8(String.format(
                        "{\"paymentId\":\"flush-pay-%d\",\"orderId\":\"%s\",\"amountCents\":0,\"status\":\"AUTHORIZED\",\"ts\":%d}",
                        partition, order, flushTs))));
            }
            producer.flush();
        }

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

        assertDownstreamAccounting(config, jobIds, actualEnriched);

        for (String id : jobIds.values()) {
            assertThat(cluster.job(id)).get().extracting(LocalCluster.JobStatus::state).isEqualTo("RUNNING");
        }

        // The web UI, in a real browser: every job listed by name as RUNNING.
        List<String> names = jobIds.keySet().stream().map(ShopJob::displayName).toList();
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
     * The contract's rule 2 for the downstream jobs: every enriched event before the flush counts
     * exactly once per job, in the final revision of its window or in the late topic
     * (category-stats), in a session or in the late topic (sessions); every order is paid or
     * unpaid exactly once (payments).
     */
    private void assertDownstreamAccounting(JobConfig config, Map<String, String> jobIds, List<String> enrichedJson)
            throws Exception {
        java.util.Set<String> jobs = jobIds.keySet();
        List<io.shopstream.common.model.EnrichedEvent> enriched = new ArrayList<>();
        for (String json : enrichedJson) {
            enriched.add(Json.MAPPER.readValue(json, io.shopstream.common.model.EnrichedEvent.class));
        }
        List<io.shopstream.common.model.EnrichedEvent> before =
                enriched.stream().filter(e -> e.ts() < flushTs).toList();
        List<List<io.shopstream.common.model.EnrichedEvent>> partitions = enrichedByPartition(config);
        long now = System.currentTimeMillis();
        printDisorder(config, partitions, now);
        if (jobs.contains("category-stats")) {
            String statsTopic = config.get(ShopOptions.TOPIC_CATEGORY_STATS);
            String lateTopic = config.get(ShopOptions.TOPIC_CATEGORY_STATS_LATE);
            awaitOrExplain(jobIds, "category-stats to account for every event", Duration.ofSeconds(300),
                    () -> countedByCategoryStats(statsTopic, lateTopic) >= before.size());
            Thread.sleep(2000);
            assertThat(countedByCategoryStats(statsTopic, lateTopic)).as("category-stats: final revisions + late").isEqualTo(before.size());
            // Exactly the plain implementation's final totals (revision numbers depend on timing).
            List<String> expected = io.shopstream.categorystats.PlainCategoryStats.run(config, partitions, now)
                    .finalRevisions().values().stream().filter(c -> c.windowEnd() <= flushTs)
                    .map(ChaosTest::withoutRevision).sorted().toList();
            List<String> actual = finalRevisions(statsTopic).stream().filter(c -> c.windowEnd() <= flushTs)
                    .map(ChaosTest::withoutRevision).sorted().toList();
            long oracleLate = io.shopstream.categorystats.PlainCategoryStats.run(config, partitions, now).late().stream()
                    .filter(e -> e.ts() < flushTs).count();
            long actualLate = values(lateTopic).stream()
                    .filter(j -> read(j, io.shopstream.common.model.EnrichedEvent.class).ts() < flushTs).count();
            OUT.printf("category-stats: late events %,d, the plain implementation's %,d%n", actualLate, oracleLate);
            assertThat(difference(expected, actual)).as("category-stats final revisions vs PlainCategoryStats").isEmpty();
            OUT.printf("category-stats: %,d windows identical to the plain implementation; %,d events each counted once%n",
                    actual.size(), before.size());
        }
        if (jobs.contains("sessions")) {
            String sessionsTopic = config.get(ShopOptions.TOPIC_SESSIONS);
            String lateTopic = config.get(ShopOptions.TOPIC_SESSIONS_LATE);
            awaitOrExplain(jobIds, "sessions to account for every event", Duration.ofSeconds(300),
                    () -> countedBySessions(sessionsTopic, lateTopic) >= before.size());
            Thread.sleep(2000);
            assertThat(countedBySessions(sessionsTopic, lateTopic)).as("sessions: sessions + late").isEqualTo(before.size());
            List<String> expected = io.shopstream.sessions.PlainSessions.run(config, partitions, now).sessions().stream()
                    .filter(x -> x.sessionEnd() < flushTs).map(Json::writeString).sorted().toList();
            List<String> actual = values(sessionsTopic).stream().map(j -> read(j, io.shopstream.common.model.Session.class))
                    .filter(x -> x.sessionEnd() < flushTs).map(Json::writeString).sorted().toList();
            assertThat(difference(expected, actual)).as("sessions vs PlainSessions").isEmpty();
            OUT.printf("sessions: %,d sessions identical to the plain implementation; %,d events each counted once%n",
                    actual.size(), before.size());
        }
        if (jobs.contains("payments")) {
            List<String> orders = before.stream()
                    .filter(e -> e.type() == io.shopstream.common.model.EventType.ORDER).map(e -> e.orderId()).sorted().toList();
            String paidTopic = config.get(ShopOptions.TOPIC_ORDERS_PAID);
            String unpaidTopic = config.get(ShopOptions.TOPIC_ORDERS_UNPAID);
            awaitOrExplain(jobIds, "payments to decide every order", Duration.ofSeconds(300),
                    () -> decidedOrders(paidTopic, unpaidTopic).size() >= orders.size());
            Thread.sleep(2000);
            assertThat(decidedOrders(paidTopic, unpaidTopic)).as("payments: every order paid or unpaid, once").isEqualTo(orders);
            // Exactly the plain implementation's matches: orders, then payments in topic order.
            List<io.shopstream.payments.OrderOrPayment> input = new ArrayList<>();
            before.stream().filter(e -> e.type() == io.shopstream.common.model.EventType.ORDER)
                    .forEach(e -> input.add(io.shopstream.payments.OrderOrPayment.of(e)));
            var decoder = new io.shopstream.common.json.InputDecoder<>(new io.shopstream.common.json.PaymentFormat(), "chaos", 65_536);
            for (ConsumerRecord<byte[], byte[]> r : records(config.get(ShopOptions.TOPIC_PAYMENTS))) {
                var parsed = decoder.decode(r.topic(), r.partition(), r.offset(), r.key(), r.value());
                if (parsed.isOk() && parsed.value.ts() < flushTs) {
                    input.add(io.shopstream.payments.OrderOrPayment.of(parsed.value));
                }
            }
            var expected = io.shopstream.payments.PlainPaymentMatching.match(input,
                    config.get(PaymentsOptions.BEFORE_ORDER), config.get(PaymentsOptions.AFTER_ORDER));
            assertThat(difference(json(expected.paid()), sortedValues(paidTopic))).as("orders.paid vs oracle").isEmpty();
            assertThat(difference(json(expected.unpaid()), sortedValues(unpaidTopic).stream()
                    .filter(j -> !j.contains("\"flush")).toList())).as("orders.unpaid vs oracle").isEmpty();
            assertThat(difference(json(expected.orphaned()), sortedValues(config.get(ShopOptions.TOPIC_PAYMENTS_ORPHANED))))
                    .as("payments.orphaned vs oracle").isEmpty();
            OUT.printf("payments: %,d orders (%,d paid, %,d unpaid), %,d orphaned payments: identical to the plain implementation%n",
                    orders.size(), expected.paid().size(), expected.unpaid().size(), expected.orphaned().size());
        }
    }

    /**
     * How far each enriched partition is out of order: events more than the bound, and more than
     * the bound plus the allowed lateness, behind their partition's newest event time so far.
     */
    private static void printDisorder(JobConfig config, List<List<io.shopstream.common.model.EnrichedEvent>> partitions,
            long now) {
        long bound = config.get(ShopOptions.OUT_OF_ORDERNESS).toMillis();
        long lateness = config.get(CategoryStatsOptions.ALLOWED_LATENESS).toMillis();
        for (int p = 0; p < partitions.size(); p++) {
            long max = Long.MIN_VALUE;
            long beyondBound = 0;
            long beyondLateness = 0;
            long worst = 0;
            for (io.shopstream.common.model.EnrichedEvent e : partitions.get(p)) {
                if (EventTime.isFromTheFuture(e.ts(), now, config.get(ShopOptions.MAX_FUTURE))) {
                    continue;
                }
                if (max == Long.MIN_VALUE) {
                    max = e.ts();
                    continue;
                }
                long behind = max - e.ts();
                if (behind > bound) {
                    beyondBound++;
                }
                if (behind > bound + lateness) {
                    beyondLateness++;
                }
                worst = Math.max(worst, behind);
                max = Math.max(max, e.ts());
            }
            OUT.printf("enriched partition %d: %,d events, %,d behind by more than the bound, %,d by more than bound +"
                    + " lateness, worst %,d ms%n", p, partitions.get(p).size(), beyondBound, beyondLateness, worst);
        }
    }

    /** Waits like {@link LocalCluster#await}; on time-out prints every job's watermarks, which say where it stands. */
    private void awaitOrExplain(Map<String, String> jobIds, String what, Duration timeout,
            java.util.function.BooleanSupplier condition) throws InterruptedException {
        try {
            LocalCluster.await(what, timeout, condition);
        } catch (IllegalStateException timedOut) {
            OUT.println(timedOut.getMessage() + "; current input watermark per operator chain:");
            jobIds.forEach((job, id) -> cluster.watermarks(id).forEach((vertex, wm) -> OUT.printf("  %s / %s: %s%n", job, vertex,
                    wm == Long.MIN_VALUE ? "none" : java.time.Instant.ofEpochMilli(wm))));
            throw timedOut;
        }
    }

    private List<List<io.shopstream.common.model.EnrichedEvent>> enrichedByPartition(JobConfig config) {
        List<List<io.shopstream.common.model.EnrichedEvent>> partitions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records(config.get(ShopOptions.TOPIC_ENRICHED))) {
            while (partitions.size() <= r.partition()) {
                partitions.add(new ArrayList<>());
            }
            partitions.get(r.partition()).add(read(new String(r.value(), StandardCharsets.UTF_8),
                    io.shopstream.common.model.EnrichedEvent.class));
        }
        return partitions;
    }

    private List<io.shopstream.common.model.CategoryStats> finalRevisions(String topic) {
        Map<String, io.shopstream.common.model.CategoryStats> last = new TreeMap<>();
        for (String json : values(topic)) {
            io.shopstream.common.model.CategoryStats s = read(json, io.shopstream.common.model.CategoryStats.class);
            last.merge(s.key(), s, (a, b) -> b.revision() > a.revision() ? b : a);
        }
        return new ArrayList<>(last.values());
    }

    private static String withoutRevision(io.shopstream.common.model.CategoryStats c) {
        return Json.writeString(new io.shopstream.common.model.CategoryStats(c.category(), c.windowStart(), c.windowEnd(),
                c.views(), c.addToCarts(), c.orders(), c.unitsOrdered(), c.revenueCents(), c.uniqueCustomers(), 0));
    }

    private static List<String> json(List<?> records) {
        return records.stream().map(Json::writeString).sorted().toList();
    }

    private List<String> sortedValues(String topic) {
        return values(topic).stream().sorted().toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
        TopicReader.readToEnd(cluster.bootstrapServers(), topic, list::add);
        list.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return list;
    }

    private long countedByCategoryStats(String statsTopic, String lateTopic) {
        Map<String, io.shopstream.common.model.CategoryStats> last = new TreeMap<>();
        for (String json : values(statsTopic)) {
            io.shopstream.common.model.CategoryStats s = read(json, io.shopstream.common.model.CategoryStats.class);
            last.merge(s.key(), s, (a, b) -> b.revision() > a.revision() ? b : a);
        }
        long inWindows = last.values().stream().filter(s -> s.windowEnd() <= flushTs)
                .mapToLong(s -> s.views() + s.addToCarts() + s.orders()).sum();
        long late = values(lateTopic).stream().filter(j -> read(j, io.shopstream.common.model.EnrichedEvent.class).ts() < flushTs).count();
        return inWindows + late;
    }

    private long countedBySessions(String sessionsTopic, String lateTopic) {
        long inSessions = values(sessionsTopic).stream().map(j -> read(j, io.shopstream.common.model.Session.class))
                .filter(s -> s.sessionEnd() < flushTs).mapToLong(io.shopstream.common.model.Session::events).sum();
        long late = values(lateTopic).stream().filter(j -> read(j, io.shopstream.common.model.EnrichedEvent.class).ts() < flushTs).count();
        return inSessions + late;
    }

    private List<String> decidedOrders(String paidTopic, String unpaidTopic) {
        List<String> ids = new ArrayList<>();
        values(paidTopic).forEach(j -> ids.add(read(j, io.shopstream.common.model.PaidOrder.class).orderId()));
        values(unpaidTopic).forEach(j -> ids.add(read(j, io.shopstream.common.model.UnpaidOrder.class).orderId()));
        return ids.stream().filter(id -> !id.startsWith("flush")).sorted().toList();
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new AssertionError(json, e);
        }
    }

    private static long tsOf(GeneratedRecord r) {
        try {
            var ts = Json.MAPPER.readTree(r.value()).path("ts");
            return ts.isNumber() ? ts.asLong() : java.time.Instant.parse(ts.asText()).toEpochMilli();
        } catch (Exception notAValidEvent) {
            return Long.MIN_VALUE;
        }
    }

    /** A key that Kafka's default partitioner puts into {@code partition} of a 4-partition topic. */
    private static String keyFor(int partition, String prefix) {
        for (int i = 1; ; i++) {
            byte[] key = utf8(prefix + i);
            if (org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)) % 4 == partition) {
                return prefix + i;
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
        Map<String, Boolean> onVictim = new TreeMap<>();
        jobIds.values().forEach(id -> onVictim.put(id, cluster.subtasksByTaskManager(id).containsKey(victim)));
        long killedAt = System.nanoTime();
        long killedAtMillis = System.currentTimeMillis();
        int sentAtKill = sent.get();
        cluster.kill(victim);
        String replacement = cluster.startTaskManager();
        LocalCluster.await("the JobManager to notice the loss", Duration.ofSeconds(60),
                () -> jobIds.values().stream().anyMatch(id -> !cluster.allTasksRunning(id)) || cluster.registeredTaskManagers() < 3);
        double detected = (System.nanoTime() - killedAt) / 1e9;
        LocalCluster.await("every job running again", Duration.ofSeconds(180), () -> jobIds.values().stream()
                .allMatch(id -> cluster.runningAgainAfter(id, onVictim.get(id), killedAtMillis)));
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
