package io.shopstream.payments;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.job.JobSetup;
import io.shopstream.common.job.ShopJob;
import io.shopstream.common.json.DeadLetterSplitter.Split;
import io.shopstream.common.json.DeadLetterSplitter;
import io.shopstream.common.json.EnrichedEventFormat;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.json.PaymentFormat;
import io.shopstream.common.json.RecordFormat;
import io.shopstream.common.kafka.KafkaIO;
import io.shopstream.common.kafka.KafkaStartupCheck;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.OrphanedPayment;
import io.shopstream.common.model.PaidOrder;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.UnpaidOrder;
import io.shopstream.common.time.NotFromTheFuture;
import io.shopstream.common.time.WatermarkKeeper;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The {@code payments} job: ORDER events from {@code shop.events.enriched} + {@code shop.payments}
 * → {@code shop.orders.paid}, {@code shop.orders.unpaid}, {@code shop.payments.orphaned} and
 * {@code shop.dlq}. Matches each order with its payments by {@code orderId} in event time (see
 * {@link PaymentMatcher}). An order or payment from the future is dead-lettered where it is read
 * ({@link #enrichedFormat}, {@link #paymentFormat}), so that it never waits in the matcher for a
 * far-off window end.
 */
public final class PaymentsJob extends ShopJob {

    public static final String NAME = "payments";

    /** The job, as its {@code main}, the suite's list and the tests start it. */
    public static final PaymentsJob JOB = new PaymentsJob();

    /** Tap point ({@link JobHooks}): the decoded enriched events as read from Kafka. */
    public static final String TAP_ENRICHED = "enriched";
    /** Tap point ({@link JobHooks}): the decoded payments as read from Kafka. */
    public static final String TAP_PAYMENTS = "payments";

    public static final String ORDERS_ONLY_UID = "orders-only";
    public static final String ORDERS_AS_INPUT_UID = "orders-as-match-input";
    public static final String PAYMENTS_AS_INPUT_UID = "payments-as-match-input";
    public static final String KEEP_WATERMARK_UID = "keep-watermark";
    public static final String MATCH_UID = "match-payments";

    private static final TypeInformation<OrderOrPayment> INPUT = TypeInformation.of(OrderOrPayment.class);

    private PaymentsJob() {
        super(NAME, new KafkaStartupCheck.Topics(
                List.of(ShopOptions.TOPIC_ENRICHED, ShopOptions.TOPIC_PAYMENTS),
                List.of(ShopOptions.TOPIC_ORDERS_PAID, ShopOptions.TOPIC_ORDERS_UNPAID,
                        ShopOptions.TOPIC_PAYMENTS_ORPHANED, ShopOptions.TOPIC_DLQ)),
                PaymentsOptions.ALL);
    }

    /** What the job writes. */
    public record Outputs(
            DataStream<PaidOrder> paid,
            DataStream<UnpaidOrder> unpaid,
            DataStream<OrphanedPayment> orphaned,
            DataStream<DeadLetter> deadLetters) {}

    /** Builds the job's graph from decoded inputs; sources (with their watermarks) and sinks are the caller's. */
    public static Outputs defineWorkflow(
            JobConfig config, DataStream<Parsed<EnrichedEvent>> enriched, DataStream<Parsed<Payment>> payments) {
        Split<EnrichedEvent> validEvents =
                DeadLetterSplitter.split(enriched, "enriched", TypeInformation.of(EnrichedEvent.class));
        Split<Payment> validPayments = DeadLetterSplitter.split(payments, "payments", TypeInformation.of(Payment.class));

        DataStream<OrderOrPayment> orders =
                validEvents.values()
                        .filter(e -> e.type() == EventType.ORDER).name("Orders only").uid(ORDERS_ONLY_UID)
                        .map(OrderOrPayment::of, INPUT).name("Orders to match").uid(ORDERS_AS_INPUT_UID);
        DataStream<OrderOrPayment> attempts =
                validPayments.values()
                        .map(OrderOrPayment::of, INPUT).name("Payments to match").uid(PAYMENTS_AS_INPUT_UID);

        // One stream, so the matcher acts on one watermark (the minimum of both inputs, idle ones
        // aside), which is kept from going back across restarts right in front of the matcher.
        KeyedStream<OrderOrPayment, String> byOrder =
                WatermarkKeeper.keepKeyed(
                        orders.union(attempts).keyBy(OrderOrPayment::orderId, Types.STRING), KEEP_WATERMARK_UID);
        SingleOutputStreamOperator<PaidOrder> paid =
                byOrder.process(
                                new PaymentMatcher(
                                        config.get(PaymentsOptions.BEFORE_ORDER).toMillis(),
                                        config.get(PaymentsOptions.AFTER_ORDER).toMillis()),
                                TypeInformation.of(PaidOrder.class))
                        .name("Match payments")
                        .uid(MATCH_UID);

        return new Outputs(
                paid,
                paid.getSideOutput(PaymentMatcher.UNPAID),
                paid.getSideOutput(PaymentMatcher.ORPHANED),
                validEvents.deadLetters().union(validPayments.deadLetters()));
    }

    /**
     * How the job decodes {@code shop.events.enriched}: an ORDER from the future is {@code
     * INVALID_VALUE} ({@link NotFromTheFuture}), so it is dead-lettered where it is read, with its
     * coordinates, instead of waiting in the matcher for a window end that may never come.
     */
    public static RecordFormat<EnrichedEvent> enrichedFormat(JobConfig config) {
        return NotFromTheFuture.of(new EnrichedEventFormat(), EnrichedEvent::ts, e -> e.type() == EventType.ORDER,
                config.get(ShopOptions.MAX_FUTURE));
    }

    /** How the job decodes {@code shop.payments}: a payment from the future is {@code INVALID_VALUE}. */
    public static RecordFormat<Payment> paymentFormat(JobConfig config) {
        return NotFromTheFuture.of(new PaymentFormat(), Payment::ts, p -> true, config.get(ShopOptions.MAX_FUTURE));
    }

    @Override
    protected void addTo(StreamExecutionEnvironment env, JobConfig config, JobHooks hooks) {
        // Each input has its own watermarks; a quiet partition or topic goes idle (source.idle-timeout).
        DataStream<Parsed<EnrichedEvent>> enriched = hooks.at(TAP_ENRICHED,
                KafkaIO.readEvents(env, config, ShopOptions.TOPIC_ENRICHED, enrichedFormat(config),
                        TypeInformation.of(EnrichedEvent.class), EnrichedEvent::ts));
        DataStream<Parsed<Payment>> payments = hooks.at(TAP_PAYMENTS,
                KafkaIO.readEvents(env, config, ShopOptions.TOPIC_PAYMENTS, paymentFormat(config),
                        TypeInformation.of(Payment.class), Payment::ts));

        Outputs out = defineWorkflow(config, enriched, payments);

        KafkaIO.write(out.paid(), config, ShopOptions.TOPIC_ORDERS_PAID, PaidOrder::orderId);
        KafkaIO.write(out.unpaid(), config, ShopOptions.TOPIC_ORDERS_UNPAID, UnpaidOrder::orderId);
        KafkaIO.write(out.orphaned(), config, ShopOptions.TOPIC_PAYMENTS_ORPHANED, OrphanedPayment::orderId);
        KafkaIO.write(out.deadLetters(), config, ShopOptions.TOPIC_DLQ, DeadLetter::key);
    }

    public static void main(String[] args) throws Exception {
        JobSetup.main(JOB, args);
    }
}
