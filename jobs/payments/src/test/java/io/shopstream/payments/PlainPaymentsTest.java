package io.shopstream.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.payments.PaymentScenarios.Arrival;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming baseline of the benchmarks decides as the watermark passes, like the job; on the
 * oracle test's seeded input (disorder within the bound) it writes exactly what the reference
 * computes from the whole input, and holds nothing once the watermark has passed every window.
 */
class PlainPaymentsTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void writesWhatTheReferenceComputes(long seed) {
        List<Arrival> arrivals = PaymentScenarios.generate(seed, 300, 1_764_000_000_000L, false);
        PlainPaymentMatching.Result expected =
                PlainPaymentMatching.match(PaymentScenarios.items(arrivals), PaymentScenarios.BEFORE, PaymentScenarios.AFTER);

        PlainPayments loop = new PlainPayments(PaymentScenarios.BEFORE, PaymentScenarios.AFTER);
        Random random = new Random(seed);
        for (Arrival a : arrivals) {
            if (a.item().order() != null) {
                loop.onOrder(a.item().order());
            } else {
                loop.onPayment(a.item().payment());
            }
            if (random.nextInt(4) == 0) {
                loop.onWatermark(a.combinedWatermark());
            }
        }
        loop.onWatermark(Long.MAX_VALUE);

        PlainPaymentMatching.Result actual = loop.result();
        assertThat(actual.paid()).containsExactlyInAnyOrderElementsOf(expected.paid());
        assertThat(actual.unpaid()).containsExactlyInAnyOrderElementsOf(expected.unpaid());
        assertThat(actual.orphaned()).containsExactlyInAnyOrderElementsOf(expected.orphaned());
        assertThat(loop.open()).isZero();
    }
}
