package io.shopstream.generator;

import io.shopstream.common.model.DeadLetterReason;
import io.shopstream.common.model.EventType;
import java.util.Locale;

/**
 * What a {@link ShopGenerator} has produced so far: records per stream and per kind. Safe to
 * read from another thread while the generator runs.
 */
public final class GeneratorStats {

    /** What a payment record is meant to exercise in the payment matching. */
    public enum PaymentKind {
        /** The captured payment of a paid order, with the order's amount. */
        CAPTURED,
        /** The captured payment of a paid order, with a different amount. */
        CAPTURED_MISMATCH,
        /** A second captured payment for an order that is already paid. */
        CAPTURED_DUPLICATE,
        /** A failed attempt (before the capture, or for an unpaid order). */
        FAILED,
        /** An authorization before the capture. */
        AUTHORIZED,
        /** A captured payment for an order that never exists. */
        ORPHAN
    }

    private static final int REASONS = DeadLetterReason.values().length;

    private final long[] records = new long[Stream.values().length];
    private final long[][] malformed = new long[Stream.values().length][REASONS];
    private final long[] validEvents = new long[EventType.values().length];
    private final long[] payments = new long[PaymentKind.values().length];
    private long duplicates;
    private long late;
    private long isoTs;
    private long unknownProduct;
    private long unknownCustomer;

    synchronized void record(Stream stream) {
        records[stream.ordinal()]++;
    }

    synchronized void recordMalformed(Stream stream, DeadLetterReason reason) {
        records[stream.ordinal()]++;
        malformed[stream.ordinal()][reason.ordinal()]++;
    }

    synchronized void validEvent(EventType type, boolean isLate, boolean iso, boolean unknownP, boolean unknownC) {
        records[Stream.EVENTS.ordinal()]++;
        validEvents[type.ordinal()]++;
        late += isLate ? 1 : 0;
        isoTs += iso ? 1 : 0;
        unknownProduct += unknownP ? 1 : 0;
        unknownCustomer += unknownC ? 1 : 0;
    }

    synchronized void duplicate() {
        records[Stream.EVENTS.ordinal()]++;
        duplicates++;
    }

    synchronized void payment(PaymentKind kind) {
        records[Stream.PAYMENTS.ordinal()]++;
        payments[kind.ordinal()]++;
    }

    /** All records of a stream: valid, duplicate and malformed. */
    public synchronized long records(Stream stream) {
        return records[stream.ordinal()];
    }

    public synchronized long total() {
        long sum = 0;
        for (long r : records) {
            sum += r;
        }
        return sum;
    }

    /** Records of a stream that a job must dead-letter with {@code reason}. */
    public synchronized long malformed(Stream stream, DeadLetterReason reason) {
        return malformed[stream.ordinal()][reason.ordinal()];
    }

    /** Records of a stream that a job must dead-letter, whatever the reason. */
    public synchronized long malformed(Stream stream) {
        long sum = 0;
        for (long m : malformed[stream.ordinal()]) {
            sum += m;
        }
        return sum;
    }

    /** Usable events (first sends, late ones included, duplicates not) of a type. */
    public synchronized long validEvents(EventType type) {
        return validEvents[type.ordinal()];
    }

    public synchronized long validEvents() {
        long sum = 0;
        for (long v : validEvents) {
            sum += v;
        }
        return sum;
    }

    /** Re-sent events: same eventId, customer and ts as an earlier one. */
    public synchronized long duplicates() {
        return duplicates;
    }

    /** Valid events further behind the newest event time than the disorder bound. */
    public synchronized long late() {
        return late;
    }

    /** Valid events whose ts is an ISO-8601 string. */
    public synchronized long isoTimestamps() {
        return isoTs;
    }

    public synchronized long unknownProducts() {
        return unknownProduct;
    }

    public synchronized long unknownCustomers() {
        return unknownCustomer;
    }

    /** Valid payment records of a kind. */
    public synchronized long payments(PaymentKind kind) {
        return payments[kind.ordinal()];
    }

    @Override
    public synchronized String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Generated %,d records%n", total()));
        sb.append(String.format(Locale.ROOT, "  products   %,9d valid %,d  invalid %s%n",
                records(Stream.PRODUCTS), records(Stream.PRODUCTS) - malformed(Stream.PRODUCTS),
                reasons(Stream.PRODUCTS)));
        sb.append(String.format(Locale.ROOT, "  customers  %,9d valid %,d  invalid %s%n",
                records(Stream.CUSTOMERS), records(Stream.CUSTOMERS) - malformed(Stream.CUSTOMERS),
                reasons(Stream.CUSTOMERS)));
        sb.append(String.format(Locale.ROOT,
                "  events     %,9d valid %,d (VIEW %,d  ADD_TO_CART %,d  ORDER %,d; late %,d, ISO ts %,d,"
                        + " unknown product %,d, unknown customer %,d)%n",
                records(Stream.EVENTS), validEvents(), validEvents(EventType.VIEW),
                validEvents(EventType.ADD_TO_CART), validEvents(EventType.ORDER), late, isoTs,
                unknownProduct, unknownCustomer));
        sb.append(String.format(Locale.ROOT, "             duplicates %,d  malformed %s%n",
                duplicates, reasons(Stream.EVENTS)));
        sb.append(String.format(Locale.ROOT, "  payments   %,9d", records(Stream.PAYMENTS)));
        for (PaymentKind kind : PaymentKind.values()) {
            sb.append(String.format(Locale.ROOT, "  %s %,d", kind, payments[kind.ordinal()]));
        }
        sb.append(String.format(Locale.ROOT, "%n             malformed %s", reasons(Stream.PAYMENTS)));
        return sb.toString();
    }

    private String reasons(Stream stream) {
        long total = malformed(stream);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%,d", total));
        if (total > 0) {
            sb.append(" (");
            String sep = "";
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                long n = malformed[stream.ordinal()][reason.ordinal()];
                if (n > 0) {
                    sb.append(sep).append(reason).append(' ').append(n);
                    sep = ", ";
                }
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
