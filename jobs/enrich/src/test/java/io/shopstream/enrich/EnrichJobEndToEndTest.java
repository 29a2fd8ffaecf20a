package io.shopstream.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.json.CustomerFormat;
import io.shopstream.common.json.EnrichedEventFormat;
import io.shopstream.common.json.EventFormat;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Json;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.json.ProductFormat;
import io.shopstream.common.kafka.KafkaIO;
import io.shopstream.common.kafka.TopicReader;
import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.ProductUpdate;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.generator.GeneratorSettings;
import io.shopstream.generator.ShopGenerator;
import io.shopstream.generator.Stream;
import io.shopstream.testkit.ContractTopics;
import io.shopstream.testkit.EmbeddedKafka;
import io.shopstream.testkit.FailOnceAfterCheckpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code enrich} job on a Flink MiniCluster against a real (in-JVM KRaft) Kafka broker: its
 * read_committed output equals, record for record, what the plain single-threaded implementation
 * computes from the same seeded input, with and without a failure after a completed checkpoint.
 */
class EnrichJobEndToEndTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.startWithSecuredListener();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void outputEqualsThePlainImplementationAndAccountingHolds() throws Exception {
        runAndCompare("clean.", "hashmap", false, false);
    }

    @Test
    void failureAfterACompletedCheckpointChangesNothing() throws Exception {
        runAndCompare("failing.", "rocksdb", true, false);
    }

    /**
     * The job, and the plain implementation it is compared with, reach Kafka only through its SASL_SSL
     * listener (SCRAM-SHA-512, TLS): the same input gives the same output as over PLAINTEXT above.
     */
    @Test
    void throughASaslSslListenerTheOutputIsTheSame() throws Exception {
        runAndCompare("secured.", "rocksdb", false, true);
    }

    private void runAndCompare(String prefix, String stateBackend, boolean injectFailure, boolean secured)
            throws Exception {
        List<String> args = new ArrayList<>(ContractTopics.createAll(kafka, 3, prefix));
        args.addAll(secured
                ? kafka.securedClientArgs(kafka.securedPassword())
                : List.of("--kafka.bootstrap-servers", kafka.bootstrapServers()));
        args.addAll(List.of(
                "--kafka.group-id-prefix", prefix + "group",
                "--kafka.transactional-id-prefix", prefix + "tx",
                "--enrich.max-wait", "3s",
                "-Dstate.backend.type=" + stateBackend,
                "-Dexecution.checkpointing.interval=300ms",
                "-Drestart-strategy.type=fixed-delay",
                "-Drestart-strategy.fixed-delay.attempts=3",
                "-Drestart-strategy.fixed-delay.delay=200ms"));
        JobConfig config = EnrichJob.JOB.config(args.toArray(String[]::new));

        // Reference data first, as the contract's exactness guarantee assumes; events follow while the job runs.
        List<GeneratedRecord> records = new ArrayList<>();
        new ShopGenerator(GeneratorSettings.fromArgs(
                "--seed", "7", "--events", "6000", "--customers", "300", "--products", "80",
                "--malformed-fraction", "0.03", "--duplicate-fraction", "0.03")).forEachRemaining(records::add);
        List<GeneratedRecord> reference = records.stream().filter(r -> r.stream() != Stream.EVENTS && r.stream() != Stream.PAYMENTS).toList();
        List<GeneratedRecord> events = records.stream().filter(r -> r.stream() == Stream.EVENTS).toList();
        produce(config, reference);

        FailOnceAfterCheckpoint.reset();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(config.flinkConfiguration());
        env.setParallelism(2);
        EnrichJob.JOB.build(env, config, injectFailure
                ? JobHooks.NONE.tap(EnrichJob.TAP_ENRICHED, FailOnceAfterCheckpoint.tap(events.size() / 3))
                : JobHooks.NONE);
        JobClient job = env.executeAsync("enrich under test");
        try {
            // The contract's exactness holds for reference data loaded before the events: wait
            // until a completed checkpoint has read both reference topics to their end.
            awaitReferenceDataLoaded(config);
            Thread producer = new Thread(() -> producePaced(config, events));
            producer.start();
            producer.join();

            PlainEnrich.Collected expected = new PlainEnrich.Collected();
            PlainEnrich oracle = new PlainEnrich(config);
            oracle.consumeToEnd(config, expected);

            List<ConsumerRecord<byte[], byte[]>> enriched =
                    awaitCount(config.get(ShopOptions.TOPIC_ENRICHED), expected.enriched.size());
            List<ConsumerRecord<byte[], byte[]>> deadLetters =
                    awaitCount(config.get(ShopOptions.TOPIC_DLQ), expected.deadLetters.size());
            // A few more checkpoints: nothing else may show up.
            Thread.sleep(1500);
            enriched = kafka.readCommitted(config.get(ShopOptions.TOPIC_ENRICHED));
            deadLetters = kafka.readCommitted(config.get(ShopOptions.TOPIC_DLQ));

            if (injectFailure) {
                assertThat(FailOnceAfterCheckpoint.hasFailed()).as("the failure was injected").isTrue();
            }
            // Exactly the oracle's enriched events, and per customer in input order.
            assertThat(perCustomer(enriched.stream().map(r -> decodeEnriched(r)).toList()))
                    .isEqualTo(perCustomer(expected.enriched));
            assertThat(enriched).allSatisfy(r -> assertThat(new String(r.key())).isEqualTo(decodeEnriched(r).customerId()));
            // Exactly the oracle's dead letters (the time they were dead-lettered aside).
            assertThat(sorted(deadLetters.stream().map(r -> withoutTime(readDeadLetter(r))).toList()))
                    .isEqualTo(sorted(expected.deadLetters.stream().map(EnrichJobEndToEndTest::withoutTime).toList()));
            // Accounting per input: every record read is used, dead-lettered or a dropped duplicate.
            List<DeadLetter> letters = deadLetters.stream().map(EnrichJobEndToEndTest::readDeadLetter).toList();
            assertThat(oracle.recordsRead()).isEqualTo(reference.size() + events.size());
            assertThat(oracle.duplicatesDropped()).isPositive();
            assertThat(enriched.size() + from(letters, config.get(ShopOptions.TOPIC_EVENTS)) + oracle.duplicatesDropped())
                    .isEqualTo(events.size());
            assertThat(oracle.referenceUpdatesApplied()
                            + from(letters, config.get(ShopOptions.TOPIC_PRODUCTS))
                            + from(letters, config.get(ShopOptions.TOPIC_CUSTOMERS)))
                    .isEqualTo(reference.size());
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitReferenceDataLoaded(JobConfig config) throws InterruptedException {
        String group = config.get(ShopOptions.GROUP_ID_PREFIX) + "-" + EnrichJob.NAME;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (TopicReader.lag(kafka.bootstrapServers(), group, config.get(ShopOptions.TOPIC_PRODUCTS))
                        + TopicReader.lag(kafka.bootstrapServers(), group, config.get(ShopOptions.TOPIC_CUSTOMERS)) > 0) {
            assertThat(System.nanoTime()).as("reference data loaded within 60 s").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void produce(JobConfig config, List<GeneratedRecord> records) {
        for (GeneratedRecord r : records) {
            kafka.send(topicOf(config, r.stream()), r.key(), r.value());
        }
        kafka.flush();
    }

    /** Events at about 4,000/s, so that checkpoints complete while the job is in the middle of them. */
    private static void producePaced(JobConfig config, List<GeneratedRecord> records) {
        long start = System.nanoTime();
        for (int i = 0; i < records.size(); i++) {
            GeneratedRecord r = records.get(i);
            kafka.send(topicOf(config, r.stream()), r.key(), r.value());
            if (i % 200 == 199) {
                kafka.flush();
                long due = start + TimeUnit.MILLISECONDS.toNanos(i / 4);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
        kafka.flush();
    }

    private static String topicOf(JobConfig config, Stream stream) {
        return switch (stream) {
            case PRODUCTS -> config.get(ShopOptions.TOPIC_PRODUCTS);
            case CUSTOMERS -> config.get(ShopOptions.TOPIC_CUSTOMERS);
            case EVENTS -> config.get(ShopOptions.TOPIC_EVENTS);
            case PAYMENTS -> config.get(ShopOptions.TOPIC_PAYMENTS);
        };
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitCount(String topic, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        List<ConsumerRecord<byte[], byte[]>> records = kafka.readCommitted(topic);
        while (records.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(500);
            records = kafka.readCommitted(topic);
        }
        return records;
    }

    private static final InputDecoder<EnrichedEvent> ENRICHED = new InputDecoder<>(new EnrichedEventFormat(), "test", 65_536);

    private static EnrichedEvent decodeEnriched(ConsumerRecord<byte[], byte[]> r) {
        Parsed<EnrichedEvent> parsed = ENRICHED.decode(r.topic(), r.partition(), r.offset(), r.key(), r.value());
        assertThat(parsed.deadLetter).isNull();
        return parsed.value;
    }

    private static Map<String, List<EnrichedEvent>> perCustomer(List<EnrichedEvent> events) {
        return events.stream().collect(Collectors.groupingBy(EnrichedEvent::customerId, LinkedHashMap::new, Collectors.toList()))
                .entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.TreeMap::new));
    }

    private static long from(List<DeadLetter> letters, String topic) {
        return letters.stream().filter(d -> d.sourceTopic().equals(topic)).count();
    }

    private static DeadLetter readDeadLetter(ConsumerRecord<byte[], byte[]> r) {
        try {
            return Json.MAPPER.readValue(r.value(), DeadLetter.class);
        } catch (java.io.IOException e) {
            throw new AssertionError("unreadable dead letter " + new String(r.value()), e);
        }
    }

    private static DeadLetter withoutTime(DeadLetter d) {
        return new DeadLetter(d.reason(), d.detail(), d.sourceTopic(), d.partition(), d.offset(), d.key(), d.rawValue(),
                d.rawValueBase64(), d.job(), 0L);
    }

    private static List<String> sorted(List<DeadLetter> letters) {
        return letters.stream().map(Json::writeString).sorted().toList();
    }
}
