package io.shopstream.payments;

import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Enrichment;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.PaymentStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Seeded orders and payments for the payment-matching tests, covering every outcome: paid, amount
 * mismatch, unpaid with failed attempts, payments just inside and just outside the window (both
 * ends), authorized-only, no order, a second capture, and retried ORDER events. Each input is put
 * in arrival order with disorder inside the out-of-orderness bound, and one input may lag the
 * other by minutes: it then holds the matcher's watermark back, but is never late.
 */
final class PaymentScenarios {

    static final Duration BEFORE = Duration.ofMinutes(5);
    static final Duration AFTER = Duration.ofMinutes(15);
    static final Duration BOUND = Duration.ofSeconds(5);

    private static final long B = BEFORE.toMillis();
    private static final long A = AFTER.toMillis();

    /** One input record in arrival order, with the watermark of each input after it. */
    record Arrival(OrderOrPayment item, long ordersWatermark, long paymentsWatermark) {
        long combinedWatermark() {
            return Math.min(ordersWatermark, paymentsWatermark);
        }
    }

    private PaymentScenarios() {}

    static EnrichedEvent order(String orderId, String customerId, long amountCents, long ts) {
        return new EnrichedEvent("e-" + orderId, EventType.ORDER, customerId, "p-42", 1, orderId, amountCents, ts,
                "books", "Dune", amountCents, "DE", "gold", Enrichment.COMPLETE);
    }

    static EnrichedEvent view(String eventId, String customerId, long ts) {
        return new EnrichedEvent(eventId, EventType.VIEW, customerId, "p-42", 1, null, null, ts,
                "books", "Dune", 1999L, "DE", "gold", Enrichment.COMPLETE);
    }

    static Payment payment(String paymentId, String orderId, long amountCents, PaymentStatus status, long ts) {
        return new Payment(paymentId, orderId, amountCents, status, ts);
    }

    /**
     * Orders and payments, each input in its own arrival order.
     *
     * @param orderIndependent when true, the result does not depend on how the two inputs
     *     interleave: an order's second capture is always a redelivery of the first (same id, ts
     *     and amount), so whichever is processed first, the output is the same
     */
    static List<Arrival> generate(long seed, int orders, long startTs, boolean orderIndependent) {
        Random random = new Random(seed);
        List<EnrichedEvent> orderEvents = new ArrayList<>();
        List<Payment> payments = new ArrayList<>();
        int paymentSeq = 0;
        long spacing = 20_000;
        for (int i = 0; i < orders; i++) {
            String orderId = "o-" + seed + "-" + i;
            long ts = startTs + i * spacing + random.nextInt((int) spacing);
            long amount = 100 + random.nextInt(50_000);
            EnrichedEvent order = order(orderId, "c-" + random.nextInt(40), amount, ts);
            orderEvents.add(order);
            if (random.nextDouble() < 0.05) {
                orderEvents.add(order); // a producer retry of the same ORDER
            }
            double kind = random.nextDouble();
            if (kind < 0.55) {
                long paid = random.nextDouble() < 0.85 ? amount : amount + 1 + random.nextInt(500);
                payments.add(payment("pay-" + ++paymentSeq, orderId, paid, PaymentStatus.CAPTURED, ts + inWindow(random)));
            } else if (kind < 0.65) {
                long offset = random.nextBoolean() ? -B - 1 - random.nextInt(60_000) : A + 1 + random.nextInt(60_000);
                payments.add(payment("pay-" + ++paymentSeq, orderId, amount, PaymentStatus.CAPTURED, ts + offset));
            } else if (kind < 0.80) {
                Payment first = payment("pay-" + ++paymentSeq, orderId, amount, PaymentStatus.CAPTURED, ts + inWindow(random));
                payments.add(first);
                payments.add(orderIndependent
                        ? first
                        : payment("pay-" + ++paymentSeq, orderId, amount, PaymentStatus.CAPTURED, ts + inWindow(random)));
            } // else: no capture at all
            int failed = random.nextInt(4);
            for (int f = 0; f < failed; f++) {
                long offset = -B - 120_000 + (long) (random.nextDouble() * (A + B + 240_000));
                payments.add(payment("pay-" + ++paymentSeq, orderId, amount, PaymentStatus.FAILED, ts + offset));
            }
            if (random.nextDouble() < 0.3) {
                payments.add(payment("pay-" + ++paymentSeq, orderId, amount, PaymentStatus.AUTHORIZED, ts + inWindow(random)));
            }
        }
        for (int k = 0; k < orders / 10; k++) {
            long ts = startTs + (long) (random.nextDouble() * orders * spacing);
            PaymentStatus status = random.nextBoolean() ? PaymentStatus.CAPTURED : PaymentStatus.FAILED;
            payments.add(payment("pay-" + ++paymentSeq, "x-" + seed + "-" + k, 999, status, ts));
        }

        long[] lags = {0, 0, 60_000, 20 * 60_000};
        long ordersLag = random.nextBoolean() ? lags[random.nextInt(lags.length)] : 0;
        long paymentsLag = ordersLag == 0 ? lags[random.nextInt(lags.length)] : 0;
        List<Keyed> all = new ArrayList<>();
        for (EnrichedEvent e : orderEvents) {
            all.add(new Keyed(OrderOrPayment.of(e), e.ts() + jitter(random) + ordersLag, all.size()));
        }
        for (Payment p : payments) {
            all.add(new Keyed(OrderOrPayment.of(p), p.ts() + jitter(random) + paymentsLag, all.size()));
        }
        all.sort(Comparator.comparingLong(Keyed::arrivalKey).thenComparingInt(Keyed::seq));

        List<Arrival> arrivals = new ArrayList<>();
        long maxOrderTs = Long.MIN_VALUE;
        long maxPaymentTs = Long.MIN_VALUE;
        for (Keyed k : all) {
            if (k.item().order() != null) {
                maxOrderTs = Math.max(maxOrderTs, k.item().ts());
            } else {
                maxPaymentTs = Math.max(maxPaymentTs, k.item().ts());
            }
            arrivals.add(new Arrival(k.item(), watermark(maxOrderTs), watermark(maxPaymentTs)));
        }
        return arrivals;
    }

    /** Bounded out-of-orderness, as the sources compute it. */
    private static long watermark(long maxTs) {
        return maxTs == Long.MIN_VALUE ? Long.MIN_VALUE : maxTs - BOUND.toMillis() - 1;
    }

    /** An offset in [-before, +after], its ends included now and then. */
    private static long inWindow(Random random) {
        double r = random.nextDouble();
        if (r < 0.05) {
            return -B;
        }
        if (r < 0.10) {
            return A;
        }
        return -B + (long) (random.nextDouble() * (A + B));
    }

    private static long jitter(Random random) {
        return random.nextInt((int) BOUND.toMillis());
    }

    private record Keyed(OrderOrPayment item, long arrivalKey, int seq) {}

    static List<OrderOrPayment> items(List<Arrival> arrivals) {
        return arrivals.stream().map(Arrival::item).toList();
    }
}
