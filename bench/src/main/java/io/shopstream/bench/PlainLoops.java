package io.shopstream.bench;

import io.shopstream.categorystats.CategoryStatsOptions;
import io.shopstream.categorystats.PlainCategoryStats;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.EnrichedEventFormat;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Json;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.json.PaymentFormat;
import io.shopstream.common.json.RecordFormat;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Payment;
import io.shopstream.enrich.PlainEnrich;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.payments.PaymentsOptions;
import io.shopstream.payments.PlainPaymentMatching;
import io.shopstream.payments.PlainPayments;
import io.shopstream.sessions.PlainSessions;
import io.shopstream.sessions.SessionsOptions;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * One pass of each job's plain single-threaded loop over the workload: parse, process, serialize
 * every output as the Kafka sink would, and tally what was written (the figure every Flink pass
 * of {@link Measurements} must match).
 */
final class PlainLoops {

    static final String ENRICHED_TOPIC = "shop.events.enriched";
    static final String PAYMENTS_TOPIC = "shop.payments";

    private final Workload workload;
    private final JobConfig plainConfig = JobConfig.fromArgs("bench");
    private final List<byte[]> enrichedJson;
    private final List<byte[]> ordersJson;

    PlainLoops(Workload workload, List<byte[]> enrichedJson, List<byte[]> ordersJson) {
        this.workload = workload;
        this.enrichedJson = enrichedJson;
        this.ordersJson = ordersJson;
    }

    OutputTally plainEnrich() {
        OutputTally tally = new OutputTally();
        workload.replay(new PlainEnrich(plainConfig), new PlainEnrich.Output() {
            @Override
            public void enriched(EnrichedEvent e) {
                serialize(e, tally);
            }

            @Override
            public void deadLetter(DeadLetter d) {
                serialize(d, tally);
            }
        });
        return tally;
    }

    OutputTally plainCategoryStats() {
        PlainCategoryStats stats = new PlainCategoryStats(
                plainConfig.get(CategoryStatsOptions.WINDOW_SIZE), plainConfig.get(CategoryStatsOptions.ALLOWED_LATENESS));
        feedEnriched(stats::onEvent, stats::onWatermark);
        PlainCategoryStats.Result result = stats.result();
        OutputTally tally = new OutputTally();
        serializeAll(result.stats(), tally);
        serializeLate(result.late(), tally);
        return tally;
    }

    OutputTally plainSessions() {
        PlainSessions sessions = new PlainSessions(plainConfig.get(SessionsOptions.GAP));
        feedEnriched(sessions::onEvent, sessions::onWatermark);
        PlainSessions.Result result = sessions.result();
        OutputTally tally = new OutputTally();
        serializeAll(result.sessions(), tally);
        serializeLate(result.late(), tally);
        return tally;
    }

    /**
     * Decodes every enriched event into a window loop, with a watermark (highest event time minus
     * the out-of-orderness) every 1,000 events rather than after each one: Flink emits watermarks
     * periodically too, and the loops scan their open windows on every watermark. The input holds
     * no bad records (enrich wrote it), so nothing is dead-lettered here.
     */
    private void feedEnriched(Consumer<EnrichedEvent> onEvent, LongConsumer onWatermark) {
        InputDecoder<EnrichedEvent> decoder = decoder(new EnrichedEventFormat());
        long bound = plainConfig.get(ShopOptions.OUT_OF_ORDERNESS).toMillis();
        long maxTs = Long.MIN_VALUE + bound + 1;
        for (int i = 0; i < enrichedJson.size(); i++) {
            Parsed<EnrichedEvent> p = decoder.decode(ENRICHED_TOPIC, 0, i, null, enrichedJson.get(i));
            if (p.isOk()) {
                onEvent.accept(p.value);
                maxTs = Math.max(maxTs, p.value.ts());
            } else {
                throw new IllegalStateException("the workload's enriched event " + i + " is bad: " + p.deadLetter);
            }
            if (i % 1000 == 999) {
                onWatermark.accept(maxTs - bound - 1);
            }
        }
        onWatermark.accept(Long.MAX_VALUE);
    }

    /**
     * The payments loop, streaming like the other three: orders and payments merged by event time
     * (each input in its own order), a watermark every 1,000 records, decisions as it passes.
     */
    OutputTally plainPayments() {
        InputDecoder<EnrichedEvent> orderDecoder = decoder(new EnrichedEventFormat());
        InputDecoder<Payment> paymentDecoder = decoder(new PaymentFormat());
        PlainPayments loop = new PlainPayments(
                plainConfig.get(PaymentsOptions.BEFORE_ORDER), plainConfig.get(PaymentsOptions.AFTER_ORDER));
        long bound = plainConfig.get(ShopOptions.OUT_OF_ORDERNESS).toMillis();
        OutputTally tally = new OutputTally();
        long maxTs = Long.MIN_VALUE + bound + 1;
        int o = 0;
        int p = 0;
        Parsed<EnrichedEvent> order = null;
        Parsed<Payment> payment = null;
        for (int read = 1; o < ordersJson.size() || p < workload.payments.size() || order != null || payment != null;
                read++) {
            if (order == null && o < ordersJson.size()) {
                order = orderDecoder.decode(ENRICHED_TOPIC, 0, o, null, ordersJson.get(o++));
            }
            if (payment == null && p < workload.payments.size()) {
                GeneratedRecord r = workload.payments.get(p);
                payment = paymentDecoder.decode(PAYMENTS_TOPIC, 0, p++, r.key(), r.value());
            }
            boolean orderFirst = payment == null
                    || (order != null && (!order.isOk() || !payment.isOk() || order.value.ts() <= payment.value.ts()));
            if (orderFirst) {
                if (order.isOk()) {
                    loop.onOrder(order.value);
                    maxTs = Math.max(maxTs, order.value.ts());
                } else {
                    serialize(order.deadLetter, tally);
                }
                order = null;
            } else {
                if (payment.isOk()) {
                    loop.onPayment(payment.value);
                    maxTs = Math.max(maxTs, payment.value.ts());
                } else {
                    serialize(payment.deadLetter, tally);
                }
                payment = null;
            }
            if (read % 1000 == 0) {
                loop.onWatermark(maxTs - bound - 1);
            }
        }
        loop.onWatermark(Long.MAX_VALUE);
        PlainPaymentMatching.Result result = loop.result();
        serializeAll(result.paid(), tally);
        serializeAll(result.unpaid(), tally);
        serializeAll(result.orphaned(), tally);
        return tally;
    }

    /** Writes an output as the Kafka sink would, and folds it into the tally. */
    private static void serialize(Object output, OutputTally tally) {
        if (Json.write(output).length == 0) {
            throw new IllegalStateException("empty JSON for " + output);
        }
        tally.add(output);
    }

    private static void serializeAll(List<?> outputs, OutputTally tally) {
        for (Object o : outputs) {
            serialize(o, tally);
        }
    }

    private static void serializeLate(List<EnrichedEvent> late, OutputTally tally) {
        for (EnrichedEvent e : late) {
            if (Json.write(e).length == 0) {
                throw new IllegalStateException("empty JSON for " + e);
            }
            tally.addLate(e);
        }
    }

    static <T> InputDecoder<T> decoder(RecordFormat<T> format) {
        return new InputDecoder<>(format, "bench", 65_536);
    }
}
