package io.shopstream.payments;

import static io.shopstream.common.model.PaymentStatus.CAPTURED;
import static io.shopstream.common.model.PaymentStatus.FAILED;
import static io.shopstream.payments.PaymentScenarios.order;
import static io.shopstream.payments.PaymentScenarios.payment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Json;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.DeadLetterReason;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.OrphanedPayment;
import io.shopstream.common.model.PaidOrder;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.UnpaidOrder;
import io.shopstream.common.time.EventTime;
import io.shopstream.common.time.NotFromTheFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * An order or payment from the future is dead-lettered where {@code payments} reads it, with its
 * topic, partition, offset and raw value, and never reaches the matcher, so nothing of it is held
 * until a window end in 2099: records decoded as the job's sources decode them ({@link
 * PaymentsJob#enrichedFormat}, {@link PaymentsJob#paymentFormat}) through {@link
 * PaymentsJob#defineWorkflow} on bounded input (the end of input fires every timer: a held order
 * and its captured payment would have been paid, a held failed payment dropped).
 */
class PaymentsFromTheFutureTest {

    private static final long YEAR_2099 = 4_070_908_800_000L;

    @Test
    void anOrderOrPaymentFromTheFutureIsDeadLetteredWhereItIsReadNotHeld() throws Exception {
        JobConfig config = PaymentsJob.JOB.config();
        String enrichedTopic = config.get(ShopOptions.TOPIC_ENRICHED);
        String paymentsTopic = config.get(ShopOptions.TOPIC_PAYMENTS);
        InputDecoder<EnrichedEvent> enrichedDecoder = new InputDecoder<>(PaymentsJob.enrichedFormat(config), PaymentsJob.NAME, 65_536);
        InputDecoder<Payment> paymentDecoder = new InputDecoder<>(PaymentsJob.paymentFormat(config), PaymentsJob.NAME, 65_536);
        long past = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        EnrichedEvent futureOrder = order("o-2", "c-2", 100, YEAR_2099);
        EnrichedEvent futureView = PaymentScenarios.view("e-9", "c-2", YEAR_2099);
        Payment futurePayment = payment("pay-2", "o-2", 100, CAPTURED, YEAR_2099);
        Payment futureFailure = payment("pay-3", "o-3", 100, FAILED, YEAR_2099);

        List<Parsed<EnrichedEvent>> enrichedRecords = List.of(
                enrichedDecoder.decode(enrichedTopic, 0, 10, bytes("c-1"), Json.write(order("o-1", "c-1", 100, past))),
                enrichedDecoder.decode(enrichedTopic, 1, 11, bytes("c-2"), Json.write(futureOrder)),
                enrichedDecoder.decode(enrichedTopic, 1, 12, bytes("c-2"), Json.write(futureView)));
        List<Parsed<Payment>> paymentRecords = List.of(
                paymentDecoder.decode(paymentsTopic, 0, 20, bytes("o-1"), Json.write(payment("pay-1", "o-1", 100, CAPTURED, past))),
                paymentDecoder.decode(paymentsTopic, 2, 21, bytes("o-2"), Json.write(futurePayment)),
                paymentDecoder.decode(paymentsTopic, 3, 22, bytes("o-3"), Json.write(futureFailure)));
        assertThat(enrichedRecords.get(2).isOk()).as("only orders are checked: a VIEW from the future passes").isTrue();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<Parsed<EnrichedEvent>> enriched = env.fromData(enrichedRecords, Parsed.typeInfo(EnrichedEvent.class))
                .assignTimestampsAndWatermarks(EventTime.forParsed(config, EnrichedEvent::ts));
        DataStream<Parsed<Payment>> payments = env.fromData(paymentRecords, Parsed.typeInfo(Payment.class))
                .assignTimestampsAndWatermarks(EventTime.forParsed(config, Payment::ts));
        PaymentsJob.Outputs out = PaymentsJob.defineWorkflow(config, enriched, payments);
        CloseableIterator<PaidOrder> paid = out.paid().collectAsync();
        CloseableIterator<UnpaidOrder> unpaid = out.unpaid().collectAsync();
        CloseableIterator<OrphanedPayment> orphaned = out.orphaned().collectAsync();
        CloseableIterator<DeadLetter> deadLetters = out.deadLetters().collectAsync();
        env.execute("payments from the future");

        assertThat(all(paid)).extracting(PaidOrder::orderId, PaidOrder::paymentId).containsExactly(tuple("o-1", "pay-1"));
        assertThat(all(unpaid)).isEmpty();
        assertThat(all(orphaned)).isEmpty();
        String detail = NotFromTheFuture.detail(YEAR_2099, config.get(ShopOptions.MAX_FUTURE));
        assertThat(detail).isEqualTo("from the future: ts 2099-01-01T00:00:00Z is more than watermark.max-future (10m)"
                + " ahead of the clock of the machine that read it");
        assertThat(all(deadLetters))
                .extracting(DeadLetter::reason, DeadLetter::detail, DeadLetter::sourceTopic, DeadLetter::partition,
                        DeadLetter::offset, DeadLetter::key, DeadLetter::rawValue, DeadLetter::job)
                .containsExactlyInAnyOrder(
                        tuple(DeadLetterReason.INVALID_VALUE, detail, enrichedTopic, 1, 11L, "c-2", json(futureOrder), PaymentsJob.NAME),
                        tuple(DeadLetterReason.INVALID_VALUE, detail, paymentsTopic, 2, 21L, "o-2", json(futurePayment), PaymentsJob.NAME),
                        tuple(DeadLetterReason.INVALID_VALUE, detail, paymentsTopic, 3, 22L, "o-3", json(futureFailure), PaymentsJob.NAME));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String json(Object record) {
        return new String(Json.write(record), StandardCharsets.UTF_8);
    }

    private static <T> List<T> all(CloseableIterator<T> iterator) throws Exception {
        List<T> values = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(values::add);
        }
        return values;
    }
}
