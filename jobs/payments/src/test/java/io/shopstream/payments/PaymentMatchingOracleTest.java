package io.shopstream.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.model.OrphanedPayment;
import io.shopstream.common.model.PaidOrder;
import io.shopstream.common.model.UnpaidOrder;
import io.shopstream.payments.PaymentScenarios.Arrival;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random input, with disorder inside the bound and one input lagging the other by up to
 * 20 minutes: {@link PaymentMatcher} gives exactly what {@link PlainPaymentMatching} computes, also
 * when it is snapshotted and restored half-way (with the watermark starting over, as in Flink),
 * and keeps no state or timers once the watermark has passed every window.
 */
class PaymentMatchingOracleTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void matcherEqualsThePlainImplementation(long seed) throws Exception {
        List<Arrival> arrivals = PaymentScenarios.generate(seed, 300, 1_764_000_000_000L, false);
        PlainPaymentMatching.Result expected =
                PlainPaymentMatching.match(PaymentScenarios.items(arrivals), PaymentScenarios.BEFORE, PaymentScenarios.AFTER);

        Random random = new Random(seed);
        int restoreAt = arrivals.size() / 3 + random.nextInt(arrivals.size() / 3);
        List<PaidOrder> paid = new ArrayList<>();
        List<UnpaidOrder> unpaid = new ArrayList<>();
        List<OrphanedPayment> orphaned = new ArrayList<>();

        var harness = newHarness();
        harness.open();
        long watermark = Long.MIN_VALUE;
        for (int i = 0; i < arrivals.size(); i++) {
            if (i == restoreAt) {
                OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
                collect(harness, paid, unpaid, orphaned);
                harness.close();
                harness = newHarness();
                harness.initializeState(snapshot);
                harness.open();
                watermark = Long.MIN_VALUE;
            }
            Arrival a = arrivals.get(i);
            assertThat(a.item().ts()).as("on time").isGreaterThan(watermark);
            harness.processElement(a.item(), a.item().ts());
            if (a.combinedWatermark() > watermark && random.nextInt(4) == 0) {
                watermark = a.combinedWatermark();
                harness.processWatermark(watermark);
            }
        }
        harness.processWatermark(Long.MAX_VALUE);
        collect(harness, paid, unpaid, orphaned);

        assertThat(paid).containsExactlyInAnyOrderElementsOf(expected.paid());
        assertThat(unpaid).containsExactlyInAnyOrderElementsOf(expected.unpaid());
        assertThat(orphaned).containsExactlyInAnyOrderElementsOf(expected.orphaned());
        // The seeds cover every outcome.
        assertThat(expected.paid()).extracting(PaidOrder::status).contains(PaidOrder.PAID, PaidOrder.AMOUNT_MISMATCH);
        assertThat(expected.unpaid()).anySatisfy(u -> assertThat(u.failedAttempts()).isPositive());
        assertThat(expected.orphaned()).extracting(OrphanedPayment::reason)
                .contains(OrphanedPayment.NO_ORDER, OrphanedPayment.DUPLICATE);

        assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
        assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, OrderOrPayment, PaidOrder> newHarness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(
                        new PaymentMatcher(PaymentScenarios.BEFORE.toMillis(), PaymentScenarios.AFTER.toMillis())),
                OrderOrPayment::orderId, Types.STRING);
    }

    private static void collect(
            KeyedOneInputStreamOperatorTestHarness<String, OrderOrPayment, PaidOrder> harness,
            List<PaidOrder> paid, List<UnpaidOrder> unpaid, List<OrphanedPayment> orphaned) {
        paid.addAll(harness.extractOutputValues());
        unpaid.addAll(values(harness.getSideOutput(PaymentMatcher.UNPAID)));
        orphaned.addAll(values(harness.getSideOutput(PaymentMatcher.ORPHANED)));
    }

    private static <X> List<X> values(Collection<StreamRecord<X>> records) {
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }
}
