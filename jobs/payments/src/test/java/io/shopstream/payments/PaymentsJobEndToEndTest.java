package io.shopstream.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.shopstream.common.Await;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.json.Json;
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
import io.shopstream.testkit.FailOnceAfterCheckpoint;
import io.shopstream.testkit.JobTestbed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
    static final JobTestbed BED = JobTestbed.of(PaymentsJob.JOB);

    @Test
    void failureWhileOrdersWaitForPaymentsChangesNothing() throws Exception {
        // Every partition has data to the end: none may go idle and let the watermark skip it.
        JobConfig config = config("10 s", "rocksdb");
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

        int firstPart = input.size() / 3;
        long paymentsInFirstPart = input.subList(0, firstPart).stream().filter(r -> r.topic().equals(paymentsTopic)).count();
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
            FailOnceAfterCheckpoint.Injection failure = BED.failOnceAfterCheckpoint();
            JobClient job = BED.start(config, 2,
                    JobHooks.NONE.tap(PaymentsJob.TAP_PAYMENTS, failure.tap(paymentsInFirstPart)));
            // Once the job runs and has committed output (a checkpoint completed), the rest
            // trickles in until the injected failure has happened: after a checkpoint taken
            // behind the first part, while orders wait for their payments.
            String paidTopic = config.get(ShopOptions.TOPIC_ORDERS_PAID);
            Await.until(() -> !BED.kafka().readCommitted(paidTopic).isEmpty(), JobTestbed.OUTPUT_TIMEOUT,
                    "the first paid order");
            for (int i = firstPart; i < input.size(); i++) {
                producer.send(input.get(i));
                if (i % 10 == 9 && !failure.hasFailed()) {
                    producer.flush();
                    Thread.sleep(100); // the pace of the feed, not a wait
                }
            }
            producer.flushAndCheck();

            int total = expected.paid().size() + expected.unpaid().size() + expected.orphaned().size();
            Await.until(() -> outputs(config) >= total, JobTestbed.OUTPUT_TIMEOUT,
                    total + " paid, unpaid and orphaned");
            BED.awaitCheckpoints(job, 3); // nothing else may show up

            assertThat(failure.hasFailed()).as("the failure was injected").isTrue();
            assertThat(BED.readKeyed(config.get(ShopOptions.TOPIC_ORDERS_PAID), PaidOrder.class, PaidOrder::orderId))
                    .containsExactlyInAnyOrderElementsOf(expected.paid());
            assertThat(BED.readKeyed(config.get(ShopOptions.TOPIC_ORDERS_UNPAID), UnpaidOrder.class, UnpaidOrder::orderId))
                    .containsExactlyInAnyOrderElementsOf(expected.unpaid());
            assertThat(BED.readKeyed(config.get(ShopOptions.TOPIC_PAYMENTS_ORPHANED), OrphanedPayment.class, OrphanedPayment::orderId))
                    .containsExactlyInAnyOrderElementsOf(expected.orphaned());
            assertThat(BED.readKeyed(config.get(ShopOptions.TOPIC_DLQ), DeadLetter.class, DeadLetter::key))
                    .extracting(DeadLetter::reason, DeadLetter::job)
                    .containsExactlyInAnyOrder(
                            tuple(DeadLetterReason.MALFORMED_JSON, PaymentsJob.NAME),
                            tuple(DeadLetterReason.MISSING_FIELD, PaymentsJob.NAME));
            // The input exercises every outcome.
            assertThat(expected.paid()).extracting(PaidOrder::status).contains(PaidOrder.PAID, PaidOrder.AMOUNT_MISMATCH);
            assertThat(expected.unpaid()).anySatisfy(u -> assertThat(u.failedAttempts()).isPositive());
            assertThat(expected.orphaned()).extracting(OrphanedPayment::reason)
                    .contains(OrphanedPayment.NO_ORDER, OrphanedPayment.DUPLICATE);
        }
    }

    /**
     * A quiet payments topic does not stall the orders: with no payment at all, the payments
     * source goes idle and the orders are declared unpaid on order time alone. Runs the
     * production {@link PaymentsJob#build}.
     */
    @Test
    void aQuietPaymentsTopicDoesNotStallTheOrders() throws Exception {
        JobConfig config = config("1 s", "hashmap");
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

        JobClient job = BED.start(config, 2, JobHooks.NONE);
        String unpaidTopic = config.get(ShopOptions.TOPIC_ORDERS_UNPAID);
        Await.until(() -> BED.kafka().readCommitted(unpaidTopic).size() >= expected.size(), JobTestbed.OUTPUT_TIMEOUT,
                expected.size() + " unpaid orders");
        BED.awaitCheckpoints(job, 3); // nothing else may show up
        assertThat(BED.readKeyed(unpaidTopic, UnpaidOrder.class, UnpaidOrder::orderId)).containsExactlyInAnyOrderElementsOf(expected);
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
                new KafkaProducer<>(ProducerSettings.idempotent(BED.kafka().bootstrapServers()));
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

    /** Fresh topics of {@link #PARTITIONS} partitions and the job's configuration for them. */
    private static JobConfig config(String idleTimeout, String stateBackend) {
        return BED.config(PARTITIONS, stateBackend, "--source.idle-timeout", idleTimeout,
                "-Dexecution.checkpointing.interval=300ms");
    }

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

    /** How many records the three outputs hold. */
    private static int outputs(JobConfig config) {
        return BED.kafka().readCommitted(config.get(ShopOptions.TOPIC_ORDERS_PAID)).size()
                + BED.kafka().readCommitted(config.get(ShopOptions.TOPIC_ORDERS_UNPAID)).size()
                + BED.kafka().readCommitted(config.get(ShopOptions.TOPIC_PAYMENTS_ORPHANED)).size();
    }
}
