package io.shopstream.payments;

import static io.shopstream.common.model.PaymentStatus.AUTHORIZED;
import static io.shopstream.common.model.PaymentStatus.CAPTURED;
import static io.shopstream.common.model.PaymentStatus.FAILED;
import static io.shopstream.payments.PaymentScenarios.order;
import static io.shopstream.payments.PaymentScenarios.payment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.OrphanedPayment;
import io.shopstream.common.model.PaidOrder;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.UnpaidOrder;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PaymentMatcher} driven record by record and watermark by watermark. */
class PaymentMatcherTest {

    private static final long MIN = 60_000;
    private static final long BEFORE = 5 * MIN;
    private static final long AFTER = 15 * MIN;
    private static final long T = 1_764_238_512_000L; // the order's ts

    private KeyedOneInputStreamOperatorTestHarness<String, OrderOrPayment, PaidOrder> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, OrderOrPayment, PaidOrder> newHarness() throws Exception {
        // Not opened yet, so that a test can restore state into it first.
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PaymentMatcher(BEFORE, AFTER)), OrderOrPayment::orderId, Types.STRING);
    }

    // ---- paid ----

    @Test
    void orderThenCapturedPaymentIsPaidAtOnce() throws Exception {
        send(order("o-1", "c-17", 3998, T));
        send(payment("pay-1", "o-1", 3998, CAPTURED, T + 18_000));

        assertThat(paid()).containsExactly(paidOrder("o-1", "c-17", 3998, "pay-1", T + 18_000, 3998, PaidOrder.PAID));
        windowsClose();
        assertThat(unpaid()).isEmpty();
        assertThat(orphaned()).isEmpty();
        assertNothingLeft();
    }

    @Test
    void capturedPaymentBeforeItsOrderIsPaidWhenTheOrderArrives() throws Exception {
        send(payment("pay-1", "o-1", 3998, CAPTURED, T - 2 * MIN));
        harness.processWatermark(T - MIN);
        assertThat(paid()).isEmpty();

        send(order("o-1", "c-17", 3998, T));
        assertThat(paid()).containsExactly(paidOrder("o-1", "c-17", 3998, "pay-1", T - 2 * MIN, 3998, PaidOrder.PAID));
        windowsClose();
        assertThat(unpaid()).isEmpty();
        assertThat(orphaned()).isEmpty();
        assertNothingLeft();
    }

    @Test
    void aDifferentAmountIsPaidWithAmountMismatch() throws Exception {
        send(order("o-1", "c-17", 3998, T));
        send(payment("pay-1", "o-1", 3990, CAPTURED, T + MIN));

        assertThat(paid()).containsExactly(paidOrder("o-1", "c-17", 3998, "pay-1", T + MIN, 3990, PaidOrder.AMOUNT_MISMATCH));
    }

    @Test
    void bothEndsOfTheWindowAreIncluded() throws Exception {
        send(order("o-1", "c-1", 100, T));
        send(payment("pay-1", "o-1", 100, CAPTURED, T - BEFORE));
        send(payment("pay-2", "o-2", 100, CAPTURED, T + AFTER));
        send(order("o-2", "c-2", 100, T));

        assertThat(paid()).extracting(PaidOrder::paymentId).containsExactly("pay-1", "pay-2");
        windowsClose();
        assertThat(unpaid()).isEmpty();
        assertThat(orphaned()).isEmpty();
        assertNothingLeft();
    }

    // ---- unpaid ----

    @Test
    void unpaidWhenTheWatermarkPassesTheWindowWithFailedAttemptsFromEitherSide() throws Exception {
        send(payment("pay-1", "o-1", 3998, FAILED, T - MIN)); // before the order arrives
        send(payment("pay-0", "o-1", 3998, FAILED, T - BEFORE - 1)); // outside the window
        send(order("o-1", "c-17", 3998, T));
        send(payment("pay-2", "o-1", 3998, FAILED, T + 2 * MIN)); // after it
        send(payment("pay-3", "o-1", 3998, AUTHORIZED, T + 3 * MIN));
        send(payment("pay-4", "o-1", 3998, FAILED, T + AFTER + 1)); // outside the window

        harness.processWatermark(T + AFTER - 1);
        assertThat(unpaid()).isEmpty();
        harness.processWatermark(T + AFTER);
        assertThat(unpaid()).containsExactly(new UnpaidOrder("o-1", "c-17", T, 3998, 2));

        windowsClose();
        assertThat(paid()).isEmpty();
        assertThat(orphaned()).isEmpty();
        assertThat(unpaid()).hasSize(1);
        assertNothingLeft();
    }

    @Test
    void capturedPaymentsJustOutsideTheWindowDoNotPay() throws Exception {
        send(payment("pay-1", "o-1", 100, CAPTURED, T - BEFORE - 1));
        send(order("o-1", "c-1", 100, T));
        send(payment("pay-2", "o-1", 100, CAPTURED, T + AFTER + 1));

        windowsClose();
        assertThat(paid()).isEmpty();
        assertThat(unpaid()).containsExactly(new UnpaidOrder("o-1", "c-1", T, 100, 0));
        assertThat(orphaned()).extracting(OrphanedPayment::paymentId, OrphanedPayment::reason)
                .containsExactlyInAnyOrder(
                        tuple("pay-1", OrphanedPayment.NO_ORDER),
                        tuple("pay-2", OrphanedPayment.NO_ORDER));
        assertNothingLeft();
    }

    @Test
    void aLateSideWithinTheBoundCausesNoFalseUnpaid() throws Exception {
        // The payments input lags: the matcher's watermark (the minimum of both) stays behind
        // the order's window end until the payment has arrived.
        send(order("o-1", "c-1", 100, T));
        harness.processWatermark(T + AFTER - 5_001);
        send(payment("pay-1", "o-1", 100, CAPTURED, T + AFTER - 1));
        harness.processWatermark(T + AFTER);

        assertThat(paid()).extracting(PaidOrder::paymentId).containsExactly("pay-1");
        assertThat(unpaid()).isEmpty();
    }

    @Test
    void authorizedPaymentsProduceNothingAndKeepNothing() throws Exception {
        send(payment("pay-1", "o-9", 100, AUTHORIZED, T));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        windowsClose();
        assertThat(paid()).isEmpty();
        assertThat(unpaid()).isEmpty();
        assertThat(orphaned()).isEmpty();
    }

    // ---- orphaned ----

    @Test
    void capturedPaymentWithoutOrderIsNoOrderWhenItsWindowCloses() throws Exception {
        send(payment("pay-1", "o-404", 500, CAPTURED, T));
        harness.processWatermark(T + BEFORE - 1);
        assertThat(orphaned()).isEmpty();
        harness.processWatermark(T + BEFORE);

        assertThat(orphaned()).containsExactly(new OrphanedPayment("pay-1", "o-404", 500, T, OrphanedPayment.NO_ORDER));
        assertNothingLeft();
    }

    @Test
    void failedPaymentWithoutOrderProducesNothing() throws Exception {
        send(payment("pay-1", "o-404", 500, FAILED, T));
        windowsClose();
        assertThat(orphaned()).isEmpty();
        assertNothingLeft();
    }

    @Test
    void aSecondCaptureForAPaidOrderIsDuplicate() throws Exception {
        send(order("o-1", "c-1", 100, T));
        send(payment("pay-1", "o-1", 100, CAPTURED, T + MIN));
        send(payment("pay-2", "o-1", 100, CAPTURED, T + 2 * MIN));

        assertThat(paid()).extracting(PaidOrder::paymentId).containsExactly("pay-1");
        assertThat(orphaned()).containsExactly(
                new OrphanedPayment("pay-2", "o-1", 100, T + 2 * MIN, OrphanedPayment.DUPLICATE));
        windowsClose();
        assertThat(orphaned()).hasSize(1);
        assertNothingLeft();
    }

    @Test
    void ofTwoCapturesBeforeTheOrderTheFirstProcessedIsTheMatch() throws Exception {
        send(payment("pay-2", "o-1", 100, CAPTURED, T + 2 * MIN));
        send(payment("pay-1", "o-1", 100, CAPTURED, T + MIN));
        send(order("o-1", "c-1", 100, T));

        assertThat(paid()).extracting(PaidOrder::paymentId).containsExactly("pay-2");
        assertThat(orphaned()).extracting(OrphanedPayment::paymentId, OrphanedPayment::reason)
                .containsExactly(tuple("pay-1", OrphanedPayment.DUPLICATE));
        windowsClose();
        assertNothingLeft();
    }

    @Test
    void aCaptureOutsideAPaidOrdersWindowIsNoOrderNotDuplicate() throws Exception {
        send(order("o-1", "c-1", 100, T));
        send(payment("pay-1", "o-1", 100, CAPTURED, T));
        send(payment("pay-2", "o-1", 100, CAPTURED, T + AFTER + MIN));
        windowsClose();

        assertThat(orphaned()).extracting(OrphanedPayment::paymentId, OrphanedPayment::reason)
                .containsExactly(tuple("pay-2", OrphanedPayment.NO_ORDER));
        assertNothingLeft();
    }

    // ---- choices where the contract is silent ----

    @Test
    void anotherOrderEventWithTheSameIdWhileOpenIsIgnored() throws Exception {
        send(order("o-1", "c-1", 100, T));
        send(order("o-1", "c-1", 250, T + MIN));
        windowsClose();

        assertThat(unpaid()).containsExactly(new UnpaidOrder("o-1", "c-1", T, 100, 0));
        assertNothingLeft();
    }

    @Test
    void aCaptureArrivingAfterItsOrderWasDeclaredUnpaidIsNoOrder() throws Exception {
        send(order("o-1", "c-1", 100, T));
        harness.processWatermark(T + AFTER);
        assertThat(unpaid()).hasSize(1);

        send(payment("pay-1", "o-1", 100, CAPTURED, T + MIN)); // its window closed at T + 6 MIN
        assertThat(orphaned()).hasSize(1); // decided on arrival
        harness.processWatermark(T + AFTER + 1);

        assertThat(paid()).isEmpty();
        assertThat(unpaid()).hasSize(1);
        assertThat(orphaned()).containsExactly(new OrphanedPayment("pay-1", "o-1", 100, T + MIN, OrphanedPayment.NO_ORDER));
        assertNothingLeft();
    }

    @Test
    void aLatePaymentStillPaysAnOrderThatIsOpen() throws Exception {
        send(order("o-1", "c-1", 100, T));
        harness.processWatermark(T + 10 * MIN);
        send(payment("pay-1", "o-1", 100, CAPTURED, T - 4 * MIN)); // behind the watermark by 14 min

        assertThat(paid()).extracting(PaidOrder::paymentId).containsExactly("pay-1");
        windowsClose();
        assertThat(unpaid()).isEmpty();
        assertThat(orphaned()).isEmpty();
        assertNothingLeft();
    }

    @Test
    void aLateOrderIsDecidedOnArrivalWithThePaymentsStillInState() throws Exception {
        send(payment("pay-1", "o-1", 100, FAILED, T + 12 * MIN)); // waits until T + 17 MIN
        send(payment("pay-2", "o-2", 100, CAPTURED, T + 12 * MIN));
        harness.processWatermark(T + AFTER);

        send(order("o-1", "c-1", 100, T)); // its window has closed already
        send(order("o-2", "c-2", 100, T));

        assertThat(unpaid()).containsExactly(new UnpaidOrder("o-1", "c-1", T, 100, 1));
        assertThat(paid()).containsExactly(paidOrder("o-2", "c-2", 100, "pay-2", T + 12 * MIN, 100, PaidOrder.PAID));
        windowsClose();
        assertThat(unpaid()).hasSize(1);
        assertThat(orphaned()).isEmpty();
        assertNothingLeft();
    }

    // ---- state ----

    @Test
    void stateAndTimersAreGoneExactlyWhenTheWindowsHaveClosed() throws Exception {
        send(order("o-1", "c-1", 100, T));
        send(payment("pay-1", "o-1", 100, FAILED, T - MIN));
        send(payment("pay-2", "o-2", 100, CAPTURED, T + 12 * MIN));
        // o-1's order, waiting list and the mark that the order counted pay-1; o-2's list.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(4);

        harness.processWatermark(T + AFTER - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2); // pay-1's window [T-MIN, T+4 MIN] closed; the order is open
        harness.processWatermark(T + AFTER);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // only pay-2 waits, until T + 12 MIN + BEFORE
        harness.processWatermark(T + 12 * MIN + BEFORE - 1);
        assertThat(orphaned()).isEmpty();
        harness.processWatermark(T + 12 * MIN + BEFORE);

        assertThat(unpaid()).containsExactly(new UnpaidOrder("o-1", "c-1", T, 100, 1));
        assertThat(orphaned()).extracting(OrphanedPayment::paymentId).containsExactly("pay-2");
        assertNothingLeft();
    }

    @Test
    void anOrderWaitingForItsPaymentSurvivesARestore() throws Exception {
        send(order("o-1", "c-1", 100, T));
        send(payment("pay-1", "o-1", 100, FAILED, T + MIN));
        send(payment("pay-9", "o-9", 100, CAPTURED, T));
        harness.processWatermark(T + MIN);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
        send(payment("pay-2", "o-1", 100, FAILED, T + 2 * MIN));
        send(payment("pay-3", "o-1", 120, CAPTURED, T + 3 * MIN));
        send(payment("pay-4", "o-1", 100, CAPTURED, T + 4 * MIN));
        windowsClose();

        assertThat(paid()).containsExactly(paidOrder("o-1", "c-1", 100, "pay-3", T + 3 * MIN, 120, PaidOrder.AMOUNT_MISMATCH));
        assertThat(unpaid()).isEmpty();
        assertThat(orphaned()).extracting(OrphanedPayment::paymentId, OrphanedPayment::reason)
                .containsExactlyInAnyOrder(
                        tuple("pay-4", OrphanedPayment.DUPLICATE),
                        tuple("pay-9", OrphanedPayment.NO_ORDER));
        assertNothingLeft();
    }

    // ---- helpers ----

    private void send(EnrichedEvent order) throws Exception {
        harness.processElement(OrderOrPayment.of(order), order.ts());
    }

    private void send(Payment payment) throws Exception {
        harness.processElement(OrderOrPayment.of(payment), payment.ts());
    }

    /** A watermark past every window in these tests. */
    private void windowsClose() throws Exception {
        harness.processWatermark(T + AFTER + 60 * MIN);
    }

    private void assertNothingLeft() {
        assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
        assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
    }

    private List<PaidOrder> paid() {
        return harness.extractOutputValues();
    }

    private List<UnpaidOrder> unpaid() {
        return values(harness.getSideOutput(PaymentMatcher.UNPAID));
    }

    private List<OrphanedPayment> orphaned() {
        return values(harness.getSideOutput(PaymentMatcher.ORPHANED));
    }

    private static <X> List<X> values(Collection<StreamRecord<X>> records) {
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    private static PaidOrder paidOrder(
            String orderId, String customerId, long amountCents, String paymentId, long paymentTs, long paidCents,
            String status) {
        return new PaidOrder(orderId, customerId, T, paymentId, paymentTs, amountCents, paidCents, status);
    }
}
