package io.shopstream.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.json.Json;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.kafka.KafkaIO;
import io.shopstream.common.kafka.ProducerSettings;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.DeadLetterReason;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.OrphanedPayment;
import io.shopstream.common.model.PaidOrder;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.PaymentStatus;
import io.shopstream.common.model.UnpaidOrder;
import io.shopstream.payments.PaymentScenarios.Arrival;
import io.shopstream.testkit.EmbeddedKafka;
import io.shopstream.testkit.FailOnceAfterCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code payments} job on a Flink MiniCluster against a real (in-JVM KRaft) Kafka broker, with
 * a failure injected after a completed checkpoint while orders wait for their payments: its
 * read_committed output is exactly what {@link PlainPaymentMatching} computes from the same input,
 * which is what a run without failures gives (see {@link PaymentMatchingOracleTest}).
 */
class PaymentsJobEndToEndTest {

    private static final int PARTITIONS = 4;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void failureWhileOrdersWaitForPaymentsChangesNothing() throws Exception {
        // Every partition has data to the end: none may go idle and let the watermark skip it.
        JobConfig config = createTopicsAndConfigure("failing.", "10 s", "rocksdb");
        String enrichedTopic = config.get(ShopOptions.TOPIC_ENRICHED);
        String paymentsTopic = config.get(ShopOptions.TOPIC_PAYMENTS);

        // A day ago, so that no event is "from the future" for the watermark.
        long start = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 60_000 * 60_000;
        List<Arrival> arrivals = PaymentScenarios.generate(42, 400, start, true);
        List<OrderOrPayment> items = new ArrayList<>(PaymentScenarios.items(arrivals));
        List<ProducerRecord<byte[], byte[]>> input = new ArrayList<>();
        boolean badRecordsSent = false;
        for (OrderOrPayment item : items) {
            if (item.order() != null) {
                EnrichedEvent order = item.order();
                EnrichedEvent view = PaymentScenarios.view("v" + order.eventId(), order.customerId(), order.ts());
                input.add(record(enrichedTopic, order.customerId(), Json.write(view)));
                input.add(record(enrichedTopic, order.customerId(), Json.write(order)));
            } else {
                input.add(record(paymentsTopic, item.payment().orderId(), Json.write(item.payment())));
            }
            if (!badRecordsSent && input.size() >= 300) {
                badRecordsSent = true;
                input.add(record(paymentsTopic, "o-bad", "{\"paymentId\":".getBytes(StandardCharsets.UTF_8)));
                input.add(record(enrichedTopic, "c-bad", "{\"eventId\":\"e-bad\",\"type\":\"ORDER\"}".getBytes(StandardCharsets.UTF_8)));
            }
        }
        // Last, on every partition of both topics, an order and its payment an hour after the
        // rest: the watermarks pass every other window without any partition going idle.
        long end = items.stream().mapToLong(OrderOrPayment::ts).max().orElseThrow() + Duration.ofHours(1).toMillis();
        for (int p = 0; p < PARTITIONS; p++) {
            EnrichedEvent order = PaymentScenarios.order("end-" + p, "c-end", 100, end);
            Payment payment = PaymentScenarios.payment("pay-end-" + p, "end-" + p, 100, PaymentStatus.CAPTURED, end);
            items.add(OrderOrPayment.of(order));
            items.add(OrderOrPayment.of(payment));
            input.add(new ProducerRecord<>(enrichedTopic, p, null, bytes("c-end"), Json.write(order)));
            input.add(new ProducerRecord<>(paymentsTopic, p, null, bytes(order.orderId()), Json.write(payment)));
        }
        PlainPaymentMatching.Result expected =
                PlainPaymentMatching.match(items, config.get(PaymentsOptions.BEFORE_ORDER), config.get(PaymentsOptions.AFTER_ORDER));

        FailOnceAfterCheckpoint.reset();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(config.flinkConfiguration());
        env.setParallelism(2);
        int firstPart = input.size() / 3;
        long paymentsInFirstPart = input.subList(0, firstPart).stream().filter(r -> r.topic().equals(paymentsTopic)).count();
        PaymentsJob.JOB.build(env, config,
                JobHooks.NONE.tap(PaymentsJob.TAP_PAYMENTS, FailOnceAfterCheckpoint.tap(paymentsInFirstPart)));
        // Orders of the first part whose captured payment comes only later: they wait in state
        // when the failure strikes.
        List<String> ordersFirst = field(input.subList(0, firstPart), enrichedTopic, "orderId");
        List<String> paymentsLater = field(input.subList(firstPart, input.size()), paymentsTopic, "paymentId");
        assertThat(expected.paid())
                .filteredOn(p -> ordersFirst.contains(p.orderId()) && paymentsLater.contains(p.paymentId()))
                .hasSizeGreaterThan(5);

        try (Input producer = new Input(config, start, true)) {
            input.subList(0, firstPart).forEach(producer::send);
            producer.flush();
            JobClient job = env.executeAsync("payments under test");
            try {
                // Once the job runs and has committed output (a checkpoint completed), the rest
                // trickles in until the injected failure has happened: after a checkpoint taken
                // behind the first part, while orders wait for their payments.
                String paidTopic = config.get(ShopOptions.TOPIC_ORDERS_PAID);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (kafka.readCommitted(paidTopic).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                for (int i = firstPart; i < input.size(); i++) {
                    producer.send(input.get(i));
                    if (i % 10 == 9 && !FailOnceAfterCheckpoint.hasFailed()) {
                        producer.flush();
                        Thread.sleep(100);
                    }
                }
                producer.flushAndCheck();

                int total = expected.paid().size() + expected.unpaid().size() + expected.orphaned().size();
                awaitTotal(config, total);
                Thread.sleep(1500); // a few more checkpoints: nothing else may show up

                assertThat(FailOnceAfterCheckpoint.hasFailed()).as("the failure was injected").isTrue();
                assertThat(read(config.get(ShopOptions.TOPIC_ORDERS_PAID), PaidOrder.class, PaidOrder::orderId))
                        .containsExactlyInAnyOrderElementsOf(expected.paid());
                assertThat(read(config.get(ShopOptions.TOPIC_ORDERS_UNPAID), UnpaidOrder.class, UnpaidOrder::orderId))
                        .containsExactlyInAnyOrderElementsOf(expected.unpaid());
                assertThat(read(config.get(ShopOptions.TOPIC_PAYMENTS_ORPHANED), OrphanedPayment.class, OrphanedPayment::orderId))
                        .containsExactlyInAnyOrderElementsOf(expected.orphaned());
                assertThat(read(config.get(ShopOptions.TOPIC_DLQ), DeadLetter.class, DeadLetter::key))
                        .extracting(DeadLetter::reason, DeadLetter::job)
                        .containsExactlyInAnyOrder(
                                tuple(DeadLetterReason.MALFORMED_JSON, PaymentsJob.NAME),
                                tuple(DeadLetterReason.MISSING_FIELD, PaymentsJob.NAME));
                // The input exercises every outcome.
                assertThat(expected.paid()).extracting(PaidOrder::status).contains(PaidOrder.PAID, PaidOrder.AMOUNT_MISMATCH);
                assertThat(expected.unpaid()).anySatisfy(u -> assertThat(u.failedAttempts()).isPositive());
                assertThat(expected.orphaned()).extracting(OrphanedPayment::reason)
                        .contains(OrphanedPayment.NO_ORDER, OrphanedPayment.DUPLICATE);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A quiet payments topic does not stall the orders: with no payment at all, the payments
     * source goes idle and the orders are declared unpaid on order time alone. Runs the
     * production {@link PaymentsJob#build}.
     */
    @Test
    void aQuietPaymentsTopicDoesNotStallTheOrders() throws Exception {
        JobConfig config = createTopicsAndConfigure("quiet.", "1 s", "hashmap");
        String enrichedTopic = config.get(ShopOptions.TOPIC_ENRICHED);
        long start = (System.currentTimeMillis() - Duration.ofDays(1).toMillis()) / 60_000 * 60_000;
        List<UnpaidOrder> expected = new ArrayList<>();
        try (Input producer = new Input(config, start, false)) {
            for (int i = 0; i < 20; i++) {
                EnrichedEvent order = PaymentScenarios.order("q-" + i, "c-" + i, 100 + i, start + i * 60_000L);
                producer.send(record(enrichedTopic, order.customerId(), Json.write(order)));
                expected.add(new UnpaidOrder(order.orderId(), order.customerId(), order.ts(), order.amountCents(), 0));
            }
            // On every partition, an order an hour later moves the orders' watermark past the rest.
            for (int p = 0; p < PARTITIONS; p++) {
                EnrichedEvent order = PaymentScenarios.order("q-end-" + p, "c-end", 100, start + Duration.ofHours(2).toMillis());
                producer.send(new ProducerRecord<>(enrichedTopic, p, null, bytes("c-end"), Json.write(order)));
            }
            producer.flushAndCheck();
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(config.flinkConfiguration());
        env.setParallelism(2);
        PaymentsJob.JOB.build(env, config);
        JobClient job = env.executeAsync("payments with a quiet payments topic");
        try {
            String unpaidTopic = config.get(ShopOptions.TOPIC_ORDERS_UNPAID);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (kafka.readCommitted(unpaidTopic).size() < expected.size() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            Thread.sleep(1000);
            assertThat(read(unpaidTopic, UnpaidOrder.class, UnpaidOrder::orderId)).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Writes the test input, and checks that every record was written, so that the job is
     * compared on exactly the input the oracle saw. First it writes one harmless record to each
     * partition and waits for it: right after topic creation a busy broker may not lead a
     * partition yet, and an idempotent producer that runs into that with several batches in
     * flight can lose or delay them. The probes are a VIEW (not an order) and an AUTHORIZED
     * payment (no output), at the earliest event time of the test.
     */
    private static final class Input implements AutoCloseable {

        private final KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ProducerSettings.idempotent(kafka.bootstrapServers()));
        private final List<Future<RecordMetadata>> sent = new ArrayList<>();

        Input(JobConfig config, long earliestTs, boolean probePayments) throws Exception {
            for (int p = 0; p < PARTITIONS; p++) {
                EnrichedEvent view = PaymentScenarios.view("probe-" + p, "c-probe", earliestTs);
                producer.send(new ProducerRecord<>(config.get(ShopOptions.TOPIC_ENRICHED), p, null, bytes("c-probe"),
                        Json.write(view))).get(120, TimeUnit.SECONDS);
                if (probePayments) {
                    Payment authorized = PaymentScenarios.payment("probe-" + p, "probe", 0, PaymentStatus.AUTHORIZED, earliestTs);
                    producer.send(new ProducerRecord<>(config.get(ShopOptions.TOPIC_PAYMENTS), p, null, bytes("probe"),
                            Json.write(authorized))).get(120, TimeUnit.SECONDS);
                }
            }
        }

        void send(ProducerRecord<byte[], byte[]> record) {
            sent.add(producer.send(record));
        }

        void flush() {
            producer.flush();
        }

        void flushAndCheck() throws Exception {
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** Creates this job's topics under {@code prefix} and the job's configuration for them. */
    private static JobConfig createTopicsAndConfigure(String prefix, String idleTimeout, String stateBackend) {
        List<String> args = new ArrayList<>();
        List<String> topics = new ArrayList<>();
        for (ConfigOption<String> topic : List.of(ShopOptions.TOPIC_ENRICHED, ShopOptions.TOPIC_PAYMENTS,
                ShopOptions.TOPIC_ORDERS_PAID, ShopOptions.TOPIC_ORDERS_UNPAID, ShopOptions.TOPIC_PAYMENTS_ORPHANED,
                ShopOptions.TOPIC_DLQ)) {
            topics.add(prefix + topic.defaultValue());
            args.addAll(List.of("--" + topic.key(), prefix + topic.defaultValue()));
        }
        kafka.createTopics(PARTITIONS, false, topics.toArray(String[]::new));
        args.addAll(List.of(
                "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--kafka.group-id-prefix", prefix + "group",
                "--kafka.transactional-id-prefix", prefix + "tx",
                "--source.idle-timeout", idleTimeout,
                "-Dstate.backend.type=" + stateBackend,
                "-Dexecution.checkpointing.interval=300ms",
                "-Drestart-strategy.type=fixed-delay",
                "-Drestart-strategy.fixed-delay.attempts=3",
                "-Drestart-strategy.fixed-delay.delay=200ms"));
        return PaymentsJob.JOB.config(args.toArray(String[]::new));
    }

    /** {@link PaymentsJob#build}, with the failure injector behind the payments source. */
    /** The values of a text field of the records of one topic (records without it skipped). */
    private static List<String> field(List<ProducerRecord<byte[], byte[]>> records, String topic, String name) {
        List<String> values = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : records) {
            if (r.topic().equals(topic)) {
                try {
                    com.fasterxml.jackson.databind.JsonNode value = Json.MAPPER.readTree(r.value()).path(name);
                    if (value.isTextual()) {
                        values.add(value.textValue());
                    }
                } catch (IOException e) {
                    // a deliberately bad record
                }
            }
        }
        return values;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, Math.floorMod(key.hashCode(), PARTITIONS), null, bytes(key), value);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitTotal(JobConfig config, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            int total = kafka.readCommitted(config.get(ShopOptions.TOPIC_ORDERS_PAID)).size()
                    + kafka.readCommitted(config.get(ShopOptions.TOPIC_ORDERS_UNPAID)).size()
                    + kafka.readCommitted(config.get(ShopOptions.TOPIC_PAYMENTS_ORPHANED)).size();
            if (total >= expected) {
                return;
            }
            Thread.sleep(500);
        }
    }

    /** The committed records of a topic, each checked to be keyed by {@code key}. */
    private static <T> List<T> read(String topic, Class<T> type, java.util.function.Function<T, String> key) {
        List<T> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(topic)) {
            T value;
            try {
                value = Json.MAPPER.readValue(r.value(), type);
            } catch (IOException e) {
                throw new AssertionError("unreadable " + new String(r.value(), StandardCharsets.UTF_8), e);
            }
            assertThat(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(key.apply(value));
            values.add(value);
        }
        return values;
    }
}
