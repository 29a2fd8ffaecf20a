package io.shopstream.payments;

import static io.shopstream.common.model.PaymentStatus.CAPTURED;
import static io.shopstream.common.model.PaymentStatus.FAILED;
import static io.shopstream.payments.PaymentScenarios.order;
import static io.shopstream.payments.PaymentScenarios.payment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * {@link PaymentsJob#defineWorkflow} on bounded input in a local environment: an order or payment
 * from the future is dead-lettered where it is read and never reaches the matcher, so nothing of it
 * is held until a window end in 2099 (the end of input fires every timer: a held order and its
 * captured payment would have been paid, a held failed payment dropped).
 */
class PaymentsFromTheFutureTest {

    private static final long YEAR_2099 = 4_070_908_800_000L;

    @Test
    void anOrderOrPaymentFromTheFutureIsDeadLetteredNotHeld() throws Exception {
        JobConfig config = JobConfig.fromArgs(PaymentsJob.NAME);
        long past = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        EnrichedEvent futureOrder = order("o-2", "c-2", 100, YEAR_2099);
        Payment futurePayment = payment("pay-2", "o-2", 100, CAPTURED, YEAR_2099);
        Payment futureFailure = payment("pay-3", "o-3", 100, FAILED, YEAR_2099);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<Parsed<EnrichedEvent>> enriched =
                env.fromData(Parsed.typeInfo(EnrichedEvent.class),
                                Parsed.ok(order("o-1", "c-1", 100, past)), Parsed.ok(futureOrder))
                        .assignTimestampsAndWatermarks(EventTime.forParsed(config, EnrichedEvent::ts));
        DataStream<Parsed<Payment>> payments =
                env.fromData(Parsed.typeInfo(Payment.class),
                                Parsed.ok(payment("pay-1", "o-1", 100, CAPTURED, past)), Parsed.ok(futurePayment),
                                Parsed.ok(futureFailure))
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
        String detail = FromTheFuture.detail(YEAR_2099, config.get(ShopOptions.MAX_FUTURE));
        assertThat(detail).isEqualTo("from the future: ts 2099-01-01T00:00:00Z is more than watermark.max-future (10m)"
                + " ahead of the clock of the machine that read it");
        String enrichedTopic = config.get(ShopOptions.TOPIC_ENRICHED);
        String paymentsTopic = config.get(ShopOptions.TOPIC_PAYMENTS);
        assertThat(all(deadLetters))
                .extracting(DeadLetter::reason, DeadLetter::detail, DeadLetter::sourceTopic, DeadLetter::key,
                        DeadLetter::rawValue, DeadLetter::job)
                .containsExactlyInAnyOrder(
                        tuple(DeadLetterReason.INVALID_VALUE, detail, enrichedTopic, "c-2", json(futureOrder), PaymentsJob.NAME),
                        tuple(DeadLetterReason.INVALID_VALUE, detail, paymentsTopic, "o-2", json(futurePayment), PaymentsJob.NAME),
                        tuple(DeadLetterReason.INVALID_VALUE, detail, paymentsTopic, "o-3", json(futureFailure), PaymentsJob.NAME));
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
