package io.shopstream.generator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopstream.common.json.Json;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.PaymentStatus;
import io.shopstream.generator.GeneratorStats.PaymentKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A seeded, replayable stream of shop data in the contract's formats: first every product and
 * customer (each bad reference record right after the good version of its id, so the good one
 * stays in force), then events with their payments interleaved. Equal settings give a
 * byte-identical sequence.
 *
 * <p>Event time: record slot {@code i} of the events topic has a base time that advances by
 * {@code eventTimeStepMs} on average (never backwards); an on-time event's ts lies up to {@code
 * outOfOrderMs} below the base and never below {@code startTs}, so no on-time event is more than
 * {@code outOfOrderMs} behind the newest event time before it. A late event is {@code
 * outOfOrderMs + lateByMs} behind the newest event time. A duplicate re-sends a recent on-time
 * event unchanged, and only while that keeps it within the bound.
 *
 * <p>Payments: an order's payments get ts a few seconds after the order (always inside the
 * contract's matching window) and go out once the events' base time has reached their ts, at
 * least two event records after the order, in ts order.
 *
 * <p>Over 300 lines because every record kind draws from the same two random sequences in one
 * fixed order: that order is what makes equal settings give byte-identical data, and splitting
 * the drawing across classes would hide it.
 */
public final class ShopGenerator implements Iterator<GeneratedRecord> {

    private static final List<String> CATEGORIES = List.of(
            "books", "electronics", "toys", "garden", "kitchen", "sports", "fashion", "music", "games", "beauty");
    private static final List<String> ADJECTIVES = List.of(
            "Classic", "Smart", "Tiny", "Grand", "Silent", "Bright", "Swift", "Cozy", "Rugged", "Golden");
    private static final List<String> NOUNS = List.of(
            "Lamp", "Novel", "Kettle", "Drone", "Sneaker", "Puzzle", "Guitar", "Backpack", "Blender", "Chair",
            "Headphones", "Watch");
    private static final List<String> COUNTRIES = List.of("DE", "FR", "US", "GB", "NL", "ES", "IT", "PL", "SE", "JP");
    private static final List<String> SEGMENTS = List.of("gold", "silver", "bronze", "new");

    /** Recent on-time events that may be re-sent as duplicates. */
    private static final int RECENT = 8;

    private final GeneratorSettings settings;
    private final GeneratorStats stats = new GeneratorStats();
    private final SplittableRandom referenceRandom;
    private final SplittableRandom random;
    private final Popularity productPopularity;
    private final Popularity customerPopularity;
    private final long[] productPrices;

    private final Deque<GeneratedRecord> outbox = new ArrayDeque<>();
    private final PriorityQueue<ScheduledPayment> payments =
            new PriorityQueue<>(Comparator.comparingLong(ScheduledPayment::ts).thenComparingLong(ScheduledPayment::seq));
    private final Deque<SentEvent> recent = new ArrayDeque<>();

    private int nextProduct = 1;
    private int nextCustomer = 1;
    private long slot;
    private long baseTs;
    private long maxTs = Long.MIN_VALUE;
    private long eventSeq;
    private long orderSeq;
    private long paymentSeq;
    private long orphanSeq;
    private long scheduleSeq;
    private boolean finished;

    public ShopGenerator(GeneratorSettings settings) {
        this.settings = settings;
        SplittableRandom root = new SplittableRandom(settings.seed());
        this.referenceRandom = root.split();
        this.random = root.split();
        this.productPopularity = new Popularity(settings.products(), settings.skew());
        this.customerPopularity = new Popularity(settings.customers(), settings.skew());
        this.productPrices = new long[settings.products() + 1];
        this.baseTs = settings.startTs();
    }

    public GeneratorSettings settings() {
        return settings;
    }

    /** Counts of everything returned by {@link #next()} so far. */
    public GeneratorStats stats() {
        return stats;
    }

    /** Records of the events topic generated so far. */
    public long eventRecords() {
        return slot;
    }

    /** Ids of the published products and customers: {@code p-1..p-N}, {@code c-1..c-N}. */
    public static String productId(int n) {
        return "p-" + n;
    }

    public static String customerId(int n) {
        return "c-" + n;
    }

    @Override
    public boolean hasNext() {
        while (outbox.isEmpty() && !finished) {
            step();
        }
        return !outbox.isEmpty();
    }

    @Override
    public GeneratedRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the generator has produced its " + settings.events() + " events");
        }
        return outbox.poll();
    }

    private void step() {
        if (nextProduct <= settings.products()) {
            product(nextProduct++);
        } else if (nextCustomer <= settings.customers()) {
            customer(nextCustomer++);
        } else if (settings.events() == 0 || slot < settings.events()) {
            eventSlot();
        } else if (!payments.isEmpty()) {
            emit(payments.poll());
        } else {
            finished = true;
        }
    }

    // ---- reference data ----

    private void product(int n) {
        SplittableRandom r = referenceRandom;
        String id = productId(n);
        long price = 199 + r.nextInt(49_800);
        productPrices[n] = price;
        ObjectNode o = object();
        o.put("productId", id);
        o.put("name", BadRecords.pick(r, ADJECTIVES) + " " + BadRecords.pick(r, NOUNS) + " " + n);
        o.put("category", BadRecords.pick(r, CATEGORIES));
        o.put("priceCents", price);
        add(Stream.PRODUCTS, id, Json.write(o));
        stats.record(Stream.PRODUCTS);
        if (r.nextDouble() < settings.badReferenceFraction()) {
            BadRecords.Bad bad = BadRecords.product(o, r);
            add(Stream.PRODUCTS, id, bad.value());
            stats.recordMalformed(Stream.PRODUCTS, bad.reason());
        }
    }

    private void customer(int n) {
        SplittableRandom r = referenceRandom;
        String id = customerId(n);
        ObjectNode o = object();
        o.put("customerId", id);
        o.put("country", BadRecords.pick(r, COUNTRIES));
        o.put("segment", BadRecords.pick(r, SEGMENTS));
        add(Stream.CUSTOMERS, id, Json.write(o));
        stats.record(Stream.CUSTOMERS);
        if (r.nextDouble() < settings.badReferenceFraction()) {
            BadRecords.Bad bad = BadRecords.customer(o, r);
            add(Stream.CUSTOMERS, id, bad.value());
            stats.recordMalformed(Stream.CUSTOMERS, bad.reason());
        }
    }

    // ---- events ----

    private void eventSlot() {
        if (slot > 0 && settings.eventTimeStepMs() > 0) {
            baseTs += random.nextLong(2 * settings.eventTimeStepMs() + 1);
        }
        while (!payments.isEmpty() && payments.peek().ts() <= baseTs && payments.peek().minSlot() <= slot) {
            emit(payments.poll());
        }
        double u = random.nextDouble();
        double malformed = settings.malformedFraction();
        double duplicate = malformed + settings.duplicateFraction();
        double late = duplicate + settings.lateFraction();
        if (u < malformed) {
            malformedEvent();
        } else if (u < duplicate) {
            if (!duplicateEvent()) {
                validEvent(false);
            }
        } else if (u < late && maxTs != Long.MIN_VALUE) {
            validEvent(true);
        } else {
            validEvent(false);
        }
        slot++;
    }

    /** The parts of a new event; {@code o} is its JSON. */
    private record Draft(ObjectNode o, String customerId, EventType type, long ts, String orderId, long amountCents,
                         boolean iso, boolean unknownProduct, boolean unknownCustomer) {}

    private Draft draft(boolean late) {
        boolean unknownCustomer = random.nextDouble() < settings.unknownCustomerFraction();
        String customerId = unknownCustomer
                ? customerId(settings.customers() + 1 + random.nextInt(1000))
                : customerId(customerPopularity.pick(random));
        boolean unknownProduct = random.nextDouble() < settings.unknownProductFraction();
        int product = unknownProduct ? settings.products() + 1 + random.nextInt(1000) : productPopularity.pick(random);
        double t = random.nextDouble();
        EventType type = t < settings.orderFraction()
                ? EventType.ORDER
                : t < settings.orderFraction() + settings.addToCartFraction() ? EventType.ADD_TO_CART : EventType.VIEW;
        long ts;
        if (late) {
            ts = maxTs - settings.outOfOrderMs() - settings.lateByMs();
        } else {
            long disorder = settings.outOfOrderMs() == 0 ? 0 : random.nextLong(settings.outOfOrderMs() + 1);
            ts = Math.max(settings.startTs(), baseTs - disorder);
        }
        boolean iso = random.nextDouble() < settings.isoTsFraction();

        ObjectNode o = object();
        o.put("eventId", String.format(Locale.ROOT, "e-%06d", ++eventSeq));
        o.put("type", type.name());
        o.put("customerId", customerId);
        o.put("productId", productId(product));
        String orderId = null;
        long amount = 0;
        if (type != EventType.VIEW) {
            int quantity = 1 + random.nextInt(3);
            o.put("quantity", quantity);
            if (type == EventType.ORDER) {
                orderId = String.format(Locale.ROOT, "o-%06d", ++orderSeq);
                long price = unknownProduct ? 500 + random.nextInt(10_000) : productPrices[product];
                amount = price * quantity;
                o.put("orderId", orderId);
                o.put("amountCents", amount);
            }
        }
        if (iso) {
            o.put("ts", Instant.ofEpochMilli(ts).toString());
        } else {
            o.put("ts", ts);
        }
        return new Draft(o, customerId, type, ts, orderId, amount, iso, unknownProduct, unknownCustomer);
    }

    private void validEvent(boolean late) {
        Draft d = draft(late);
        GeneratedRecord record = add(Stream.EVENTS, d.customerId(), Json.write(d.o()));
        stats.validEvent(d.type(), late, d.iso(), d.unknownProduct(), d.unknownCustomer());
        if (!late) {
            maxTs = Math.max(maxTs, d.ts());
            recent.addLast(new SentEvent(record, d.ts()));
            if (recent.size() > RECENT) {
                recent.removeFirst();
            }
        }
        if (d.type() == EventType.ORDER) {
            schedulePayments(d.orderId(), d.amountCents(), d.ts());
        }
    }

    /** Re-sends a recent event if that keeps it within the disorder bound. */
    private boolean duplicateEvent() {
        if (recent.isEmpty()) {
            return false;
        }
        int back = random.nextInt(Math.min(5, recent.size()));
        SentEvent candidate = null;
        Iterator<SentEvent> it = recent.descendingIterator();
        for (int i = 0; i <= back; i++) {
            candidate = it.next();
        }
        if (candidate.ts() < maxTs - settings.outOfOrderMs()) {
            return false;
        }
        recent.remove(candidate); // re-sent once at most
        outbox.add(candidate.record());
        stats.duplicate();
        return true;
    }

    private void malformedEvent() {
        Draft d = draft(false);
        BadRecords.Bad bad = BadRecords.event(d.o(), random);
        add(Stream.EVENTS, d.customerId(), bad.value());
        stats.recordMalformed(Stream.EVENTS, bad.reason());
    }

    // ---- payments ----

    private record ScheduledPayment(long ts, long seq, long minSlot, GeneratedRecord record, PaymentKind kind,
                                    BadRecords.Bad bad) {}

    private record SentEvent(GeneratedRecord record, long ts) {}

    private void schedulePayments(String orderId, long amount, long orderTs) {
        long minSlot = slot + 2 + random.nextInt(4);
        long t = orderTs;
        if (random.nextDouble() < settings.failedPaymentFraction()) {
            int attempts = 1 + random.nextInt(2);
            for (int i = 0; i < attempts; i++) {
                t += 500 + random.nextInt(1500);
                schedule(payment(orderId, amount, PaymentStatus.FAILED, t), t, minSlot, PaymentKind.FAILED);
            }
        }
        if (random.nextDouble() < settings.paidFraction()) {
            if (random.nextDouble() < settings.authorizedFraction()) {
                t += 200 + random.nextInt(1000);
                schedule(payment(orderId, amount, PaymentStatus.AUTHORIZED, t), t, minSlot, PaymentKind.AUTHORIZED);
            }
            t += 500 + random.nextInt(2500);
            if (random.nextDouble() < settings.mismatchFraction()) {
                long delta = 1 + random.nextInt(500);
                long paid = amount >= delta && random.nextBoolean() ? amount - delta : amount + delta;
                schedule(payment(orderId, paid, PaymentStatus.CAPTURED, t), t, minSlot, PaymentKind.CAPTURED_MISMATCH);
            } else {
                schedule(payment(orderId, amount, PaymentStatus.CAPTURED, t), t, minSlot, PaymentKind.CAPTURED);
            }
            if (random.nextDouble() < settings.duplicatePaymentFraction()) {
                t += 1000 + random.nextInt(3000);
                schedule(payment(orderId, amount, PaymentStatus.CAPTURED, t), t, minSlot,
                        PaymentKind.CAPTURED_DUPLICATE);
            }
        }
        if (random.nextDouble() < settings.orphanPaymentFraction()) {
            long ts = orderTs + 1000 + random.nextInt(3000);
            String unknownOrder = String.format(Locale.ROOT, "o-orphan-%06d", ++orphanSeq);
            schedule(payment(unknownOrder, 500 + random.nextInt(20_000), PaymentStatus.CAPTURED, ts), ts, minSlot,
                    PaymentKind.ORPHAN);
        }
        if (random.nextDouble() < settings.malformedFraction()) {
            long ts = orderTs + 500 + random.nextInt(3000);
            ObjectNode valid = payment(orderId, amount, PaymentStatus.CAPTURED, ts);
            BadRecords.Bad bad = BadRecords.payment(valid, random);
            payments.add(new ScheduledPayment(ts, scheduleSeq++, minSlot,
                    new GeneratedRecord(Stream.PAYMENTS, key(orderId), bad.value()), null, bad));
        }
    }

    private ObjectNode payment(String orderId, long amount, PaymentStatus status, long ts) {
        ObjectNode o = object();
        o.put("paymentId", String.format(Locale.ROOT, "pay-%06d", ++paymentSeq));
        o.put("orderId", orderId);
        o.put("amountCents", amount);
        o.put("status", status.name());
        o.put("ts", ts);
        return o;
    }

    private void schedule(ObjectNode payment, long ts, long minSlot, PaymentKind kind) {
        GeneratedRecord record =
                new GeneratedRecord(Stream.PAYMENTS, key(payment.get("orderId").textValue()), Json.write(payment));
        payments.add(new ScheduledPayment(ts, scheduleSeq++, minSlot, record, kind, null));
    }

    private void emit(ScheduledPayment p) {
        outbox.add(p.record());
        if (p.bad() != null) {
            stats.recordMalformed(Stream.PAYMENTS, p.bad().reason());
        } else {
            stats.payment(p.kind());
        }
    }

    // ---- helpers ----

    private GeneratedRecord add(Stream stream, String key, byte[] value) {
        GeneratedRecord record = new GeneratedRecord(stream, key(key), value);
        outbox.add(record);
        return record;
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
