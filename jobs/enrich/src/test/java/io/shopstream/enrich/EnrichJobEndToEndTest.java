package io.shopstream.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.shopstream.common.Await;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.enrich.EnrichmentPipeline;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.json.EnrichedEventFormat;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Json;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.model.Customer;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Product;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.generator.GeneratorSettings;
import io.shopstream.generator.ShopGenerator;
import io.shopstream.generator.Stream;
import io.shopstream.testkit.EmbeddedKafka;
import io.shopstream.testkit.FailOnceAfterCheckpoint;
import io.shopstream.testkit.JobTestbed;
import io.shopstream.testkit.compare.Difference;
import io.shopstream.testkit.compare.KeyOrder;
import io.shopstream.testkit.compare.TimeFields;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code enrich} job on a Flink MiniCluster against a real (in-JVM KRaft) Kafka broker: its
 * read_committed output equals, record for record, what the plain single-threaded implementation
 * computes from the same seeded input, with and without a failure after a completed checkpoint.
 */
class EnrichJobEndToEndTest {

    @RegisterExtension
    static final JobTestbed BED = JobTestbed.withSecuredListener(EnrichJob.JOB);

    private static final InputDecoder<EnrichedEvent> ENRICHED =
            new InputDecoder<>(new EnrichedEventFormat(), "test", 65_536);

    @Test
    void outputEqualsThePlainImplementationAndAccountingHolds() throws Exception {
        runAndCompare("hashmap", false, false);
    }

    @Test
    void failureAfterACompletedCheckpointChangesNothing() throws Exception {
        runAndCompare("rocksdb", true, false);
    }

    /**
     * The job, and the plain implementation it is compared with, reach Kafka only through its SASL_SSL
     * listener (SCRAM-SHA-512, TLS): the same input gives the same output as over PLAINTEXT above.
     */
    @Test
    void throughASaslSslListenerTheOutputIsTheSame() throws Exception {
        runAndCompare("rocksdb", false, true);
    }

    /**
     * Every counter of the job, exactly: each input's accepted and dead-lettered records, and the
     * enricher's duplicates, events held for reference data, released without it after the
     * maximum wait, and enriched events.
     */
    @Test
    void everyCounterCountsExactlyWhatHappened() throws Exception {
        JobConfig config = BED.config(1, "hashmap", "--enrich.max-wait", "10 s");
        EmbeddedKafka kafka = BED.kafka();
        String events = config.get(ShopOptions.TOPIC_EVENTS);
        String customers = config.get(ShopOptions.TOPIC_CUSTOMERS);
        String products = config.get(ShopOptions.TOPIC_PRODUCTS);
        send(products, "p1", Json.writeString(new Product("p1", "Atlas", "books", 1_200)));
        send(products, "p-bad", "{");
        send(customers, "c1", Json.writeString(new Customer("c1", "NL", "new")));
        send(customers, "c-bad", "{");
        JobClient job = BED.start(config, 1, JobHooks.NONE);
        BED.awaitConsumed(config, List.of(ShopOptions.TOPIC_PRODUCTS, ShopOptions.TOPIC_CUSTOMERS),
                Duration.ofSeconds(60));

        long ts = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        send(events, "c1", view("e1", "c1", "p1", ts)); // enriched at once
        send(events, "c1", view("e1", "c1", "p1", ts)); // a duplicate
        send(events, "c2", view("e2", "c2", "p1", ts + 1)); // held until c2 arrives
        send(events, "c1", view("e3", "c1", "p9", ts + 2)); // held, released without p9 after the maximum wait
        send(events, "c1", "{");
        String enricher = EnrichmentPipeline.ENRICHER_NAME + ".";
        Await.until(() -> BED.counters(job).getOrDefault(enricher + "heldForReferenceData", 0L) == 2,
                Duration.ofSeconds(60), "e2 and e3 held");
        send(customers, "c2", Json.writeString(new Customer("c2", "DE", "regular")));
        Await.until(() -> kafka.readCommitted(config.get(ShopOptions.TOPIC_ENRICHED)).size() == 3,
                JobTestbed.OUTPUT_TIMEOUT, "three enriched events");
        BED.awaitConsumed(config);
        BED.stop(job, false);

        List<EnrichedEvent> enriched = BED.read(config.get(ShopOptions.TOPIC_ENRICHED), EnrichedEvent.class);
        assertThat(enriched).extracting(EnrichedEvent::eventId, EnrichedEvent::country)
                .containsExactlyInAnyOrder(tuple("e1", "NL"), tuple("e2", "DE"), tuple("e3", "NL"));
        assertThat(BED.read(config.get(ShopOptions.TOPIC_DLQ), DeadLetter.class)).hasSize(3);
        assertThat(BED.counters(job)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Validate products.accepted", 1L,
                "Validate products.deadLettered", 1L,
                "Validate customers.accepted", 2L,
                "Validate customers.deadLettered", 1L,
                "Validate events.accepted", 4L,
                "Validate events.deadLettered", 1L,
                enricher + "duplicatesDropped", 1L,
                enricher + "heldForReferenceData", 2L,
                enricher + "releasedAfterMaxWait", 1L,
                enricher + "enriched", 3L));
    }

    private static void send(String topic, String key, String value) {
        BED.kafka().send(topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
        BED.kafka().flush();
    }

    private static String view(String eventId, String customerId, String productId, long ts) {
        return String.format("{\"eventId\":\"%s\",\"type\":\"VIEW\",\"customerId\":\"%s\",\"productId\":\"%s\","
                + "\"ts\":%d}", eventId, customerId, productId, ts);
    }

    private void runAndCompare(String stateBackend, boolean injectFailure, boolean secured) throws Exception {
        EmbeddedKafka kafka = BED.kafka();
        List<String> extra =
                new ArrayList<>(List.of("--enrich.max-wait", "3s", "-Dexecution.checkpointing.interval=300ms"));
        if (secured) {
            extra.addAll(kafka.securedClientArgs(kafka.securedPassword()));
        }
        JobConfig config = BED.config(3, stateBackend, extra.toArray(String[]::new));

        // Reference data first, as the contract's exactness guarantee assumes; events follow while the job runs.
        List<GeneratedRecord> records = new ArrayList<>();
        new ShopGenerator(GeneratorSettings.fromArgs(
                "--seed", "7", "--events", "6000", "--customers", "300", "--products", "80",
                "--malformed-fraction", "0.03", "--duplicate-fraction", "0.03")).forEachRemaining(records::add);
        List<GeneratedRecord> reference =
                records.stream().filter(r -> r.stream() != Stream.EVENTS && r.stream() != Stream.PAYMENTS).toList();
        List<GeneratedRecord> events = records.stream().filter(r -> r.stream() == Stream.EVENTS).toList();
        for (GeneratedRecord r : reference) {
            kafka.send(config.get(r.stream().topicOption()), r.key(), r.value());
        }
        kafka.flush();

        FailOnceAfterCheckpoint.Injection failure = BED.failOnceAfterCheckpoint();
        JobClient job = BED.start(config, 2, injectFailure
                ? JobHooks.NONE.tap(EnrichJob.TAP_ENRICHED, failure.tap(events.size() / 3))
                : JobHooks.NONE);
        // The contract's exactness holds for reference data loaded before the events: wait
        // until a completed checkpoint has read both reference topics to their end.
        BED.awaitConsumed(config, List.of(ShopOptions.TOPIC_PRODUCTS, ShopOptions.TOPIC_CUSTOMERS),
                Duration.ofSeconds(60));
        producePaced(config, events);

        PlainEnrich.Collected expected = new PlainEnrich.Collected();
        PlainEnrich oracle = new PlainEnrich(config);
        oracle.consumeToEnd(config, expected);

        String enrichedTopic = config.get(ShopOptions.TOPIC_ENRICHED);
        String dlqTopic = config.get(ShopOptions.TOPIC_DLQ);
        Await.until(() -> kafka.readCommitted(enrichedTopic).size() >= expected.enriched.size()
                        && kafka.readCommitted(dlqTopic).size() >= expected.deadLetters.size(),
                JobTestbed.OUTPUT_TIMEOUT, "the oracle's count of enriched events and dead letters");
        BED.awaitCheckpoints(job, 3); // nothing else may show up
        List<ConsumerRecord<byte[], byte[]>> enriched = kafka.readCommitted(enrichedTopic);
        List<DeadLetter> letters = BED.read(dlqTopic, DeadLetter.class);

        if (injectFailure) {
            assertThat(failure.hasFailed()).as("the failure was injected").isTrue();
        }
        // Exactly the oracle's enriched events, and per customer in input order.
        List<EnrichedEvent> actual = enriched.stream().map(EnrichJobEndToEndTest::decodeEnriched).toList();
        assertThat(Difference.of(expected.enriched, actual).describe()).as("enriched events").isEmpty();
        assertThat(KeyOrder.perKey(actual, EnrichedEvent::customerId))
                .isEqualTo(KeyOrder.perKey(expected.enriched, EnrichedEvent::customerId));
        assertThat(enriched).allSatisfy(r ->
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(decodeEnriched(r).customerId()));
        // Exactly the oracle's dead letters (the time they were dead-lettered aside).
        assertThat(TimeFields.withoutTime(letters)).isEqualTo(TimeFields.withoutTime(expected.deadLetters));
        // Accounting per input: every record read is used, dead-lettered or a dropped duplicate.
        assertThat(oracle.recordsRead()).isEqualTo(reference.size() + events.size());
        assertThat(oracle.duplicatesDropped()).isPositive();
        assertThat(enriched.size() + from(letters, config.get(ShopOptions.TOPIC_EVENTS)) + oracle.duplicatesDropped())
                .isEqualTo(events.size());
        assertThat(oracle.referenceUpdatesApplied()
                        + from(letters, config.get(ShopOptions.TOPIC_PRODUCTS))
                        + from(letters, config.get(ShopOptions.TOPIC_CUSTOMERS)))
                .isEqualTo(reference.size());
    }

    /** Events at about 4,000/s, so that checkpoints complete while the job is in the middle of them. */
    private static void producePaced(JobConfig config, List<GeneratedRecord> records) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < records.size(); i++) {
            GeneratedRecord r = records.get(i);
            BED.kafka().send(config.get(r.stream().topicOption()), r.key(), r.value());
            if (i % 200 == 199) {
                BED.kafka().flush();
                long wait = start + TimeUnit.MILLISECONDS.toNanos(i / 4) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the pace of the feed, not a wait
                }
            }
        }
        BED.kafka().flush();
    }

    private static EnrichedEvent decodeEnriched(ConsumerRecord<byte[], byte[]> r) {
        Parsed<EnrichedEvent> parsed = ENRICHED.decode(r.topic(), r.partition(), r.offset(), r.key(), r.value());
        assertThat(parsed.deadLetter).isNull();
        return parsed.value;
    }

    private static long from(List<DeadLetter> letters, String topic) {
        return letters.stream().filter(d -> d.sourceTopic().equals(topic)).count();
    }
}
