package io.shopstream.generator;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Everything that shapes the generated data. Equal settings give a byte-identical record
 * sequence; nothing in the content depends on the wall clock. Parsed from {@code --key value}
 * (or {@code --key=value}) arguments, with the record component names as keys.
 *
 * @param seed seed of the random generator
 * @param products number of products published ({@code p-1} ... {@code p-N})
 * @param customers number of customers published ({@code c-1} ... {@code c-N})
 * @param skew Zipf-like exponent of customer and product popularity; 0 is uniform
 * @param events records written to the events topic (valid, duplicate and malformed); 0 = unlimited
 * @param rate events per second; 0 = as fast as possible (used by the Kafka publisher only)
 * @param duration wall-clock run time, or null for no limit (used by the Kafka publisher only)
 * @param startTs event time of the first event, epoch millis
 * @param eventTimeStepMs average event-time advance per event record
 * @param outOfOrderMs largest disorder of an on-time event (behind the newest event time so far)
 * @param lateFraction share of events that are late: this far behind plus {@code lateByMs}
 * @param lateByMs how far beyond {@code outOfOrderMs} a late event is
 * @param duplicateFraction share of event records that re-send a recent event (producer retry)
 * @param malformedFraction share of event records (and payment attempts) that are bad records
 * @param unknownProductFraction share of events referencing a product that is never published
 * @param unknownCustomerFraction share of events from a customer that is never published
 * @param badReferenceFraction share of product/customer records followed by an invalid version
 * @param orderFraction share of events that are ORDERs
 * @param addToCartFraction share of events that are ADD_TO_CARTs (the rest are VIEWs)
 * @param isoTsFraction share of events whose ts is written as an ISO-8601 string
 * @param paidFraction share of orders that get a CAPTURED payment
 * @param failedPaymentFraction share of orders that get 1-2 FAILED attempts first
 * @param mismatchFraction share of paid orders whose captured amount differs from the order's
 * @param duplicatePaymentFraction share of paid orders that get a second CAPTURED payment
 * @param orphanPaymentFraction per order, chance of an extra CAPTURED payment for an unknown order
 * @param authorizedFraction share of paid orders with an AUTHORIZED payment before the capture
 */
public record GeneratorSettings(
        long seed,
        int products,
        int customers,
        double skew,
        long events,
        double rate,
        Duration duration,
        long startTs,
        long eventTimeStepMs,
        long outOfOrderMs,
        double lateFraction,
        long lateByMs,
        double duplicateFraction,
        double malformedFraction,
        double unknownProductFraction,
        double unknownCustomerFraction,
        double badReferenceFraction,
        double orderFraction,
        double addToCartFraction,
        double isoTsFraction,
        double paidFraction,
        double failedPaymentFraction,
        double mismatchFraction,
        double duplicatePaymentFraction,
        double orphanPaymentFraction,
        double authorizedFraction) {

    public static final long DEFAULT_START_TS = Instant.parse("2025-11-27T10:00:00Z").toEpochMilli();

    public GeneratorSettings {
        require(products > 0, "products", "must be positive");
        require(customers > 0, "customers", "must be positive");
        require(skew >= 0, "skew", "must be >= 0");
        require(events >= 0, "events", "must be >= 0 (0 = unlimited)");
        require(rate >= 0, "rate", "must be >= 0 (0 = as fast as possible)");
        require(duration == null || !duration.isNegative(), "duration", "must not be negative");
        require(eventTimeStepMs >= 0, "eventTimeStepMs", "must be >= 0");
        require(outOfOrderMs >= 0, "outOfOrderMs", "must be >= 0");
        require(lateByMs > 0, "lateByMs", "must be positive");
        fraction(lateFraction, "lateFraction");
        fraction(duplicateFraction, "duplicateFraction");
        fraction(malformedFraction, "malformedFraction");
        fraction(unknownProductFraction, "unknownProductFraction");
        fraction(unknownCustomerFraction, "unknownCustomerFraction");
        fraction(badReferenceFraction, "badReferenceFraction");
        fraction(orderFraction, "orderFraction");
        fraction(addToCartFraction, "addToCartFraction");
        require(orderFraction + addToCartFraction <= 1.0, "orderFraction",
                "plus addToCartFraction must not exceed 1");
        fraction(isoTsFraction, "isoTsFraction");
        fraction(paidFraction, "paidFraction");
        fraction(failedPaymentFraction, "failedPaymentFraction");
        fraction(mismatchFraction, "mismatchFraction");
        fraction(duplicatePaymentFraction, "duplicatePaymentFraction");
        fraction(orphanPaymentFraction, "orphanPaymentFraction");
        fraction(authorizedFraction, "authorizedFraction");
        require(lateFraction + duplicateFraction + malformedFraction <= 1.0, "lateFraction",
                "plus duplicateFraction and malformedFraction must not exceed 1");
    }

    /** The documented defaults. */
    public static GeneratorSettings defaults() {
        return new GeneratorSettings(
                42, 200, 1000, 1.0, 10_000, 0, null, DEFAULT_START_TS, 50, 4000, 0.0, 20_000,
                0.02, 0.01, 0.005, 0.005, 0.01, 0.05, 0.15, 0.1, 0.85, 0.1, 0.02, 0.02, 0.01, 0.2);
    }

    /** The argument keys, in declaration order. */
    public static List<String> keys() {
        return List.copyOf(SETTERS.keySet());
    }

    /** Whether {@code key} (without the leading dashes) is a generator setting. */
    public static boolean isKey(String key) {
        return SETTERS.containsKey(key);
    }

    /**
     * Parses {@code --key value} / {@code --key=value} arguments on top of the defaults. An
     * unknown key, a missing value or a bad value is an {@link IllegalArgumentException} naming
     * the key.
     */
    public static GeneratorSettings fromArgs(String... args) {
        GeneratorSettings s = defaults();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException(
                        "Unexpected argument '" + arg + "': use --key value; keys: " + String.join(", ", keys()));
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Missing value after '--" + key + "'");
                }
                value = args[++i];
            }
            BiFunction<GeneratorSettings, String, GeneratorSettings> setter = SETTERS.get(key);
            if (setter == null) {
                throw new IllegalArgumentException(
                        "Unknown generator option '" + key + "'; known options: " + String.join(", ", keys()));
            }
            try {
                s = setter.apply(s, value.trim());
            } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
                if (e.getMessage() != null && e.getMessage().contains("'" + key + "'")) {
                    throw e;
                }
                throw new IllegalArgumentException(
                        "Invalid value '" + value + "' for generator option '" + key + "': " + e.getMessage(), e);
            }
        }
        return s;
    }

    /**
     * Parses a duration: ISO-8601 ({@code PT30S}) or a number with a unit ({@code 500ms},
     * {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}); a bare number is seconds.
     */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        }
        int split = 0;
        while (split < t.length() && (Character.isDigit(t.charAt(split)) || t.charAt(split) == '.')) {
            split++;
        }
        if (split == 0) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 30s, 5m, PT30S)");
        }
        double amount = Double.parseDouble(t.substring(0, split));
        String unit = t.substring(split).trim();
        double millis = switch (unit) {
            case "ms" -> amount;
            case "", "s", "sec", "secs", "second", "seconds" -> amount * 1000;
            case "m", "min", "mins", "minute", "minutes" -> amount * 60_000;
            case "h", "hour", "hours" -> amount * 3_600_000;
            case "d", "day", "days" -> amount * 86_400_000;
            default -> throw new IllegalArgumentException("unknown duration unit '" + unit + "' in '" + text + "'");
        };
        return Duration.ofMillis(Math.round(millis));
    }

    /** Parses an event time: epoch millis or an ISO-8601 instant. */
    static long parseTimestamp(String text) {
        String t = text.trim();
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(t);
        }
        return Instant.parse(t).toEpochMilli();
    }

    /** A one-line description of the settings. */
    public String describe() {
        return String.format(Locale.ROOT,
                "seed=%d products=%d customers=%d skew=%s events=%s rate=%s duration=%s startTs=%s step=%dms"
                        + " outOfOrder=%dms late=%s dup=%s malformed=%s",
                seed, products, customers, skew, events == 0 ? "unlimited" : String.valueOf(events),
                rate == 0 ? "max" : rate + "/s", duration == null ? "none" : duration,
                Instant.ofEpochMilli(startTs), eventTimeStepMs, outOfOrderMs, lateFraction, duplicateFraction,
                malformedFraction);
    }

    // ---- parsing ----

    private static final Map<String, BiFunction<GeneratorSettings, String, GeneratorSettings>> SETTERS = setters();

    private static Map<String, BiFunction<GeneratorSettings, String, GeneratorSettings>> setters() {
        Map<String, BiFunction<GeneratorSettings, String, GeneratorSettings>> m = new LinkedHashMap<>();
        m.put("seed", (s, v) -> s.with(b -> b.seed = Long.parseLong(v)));
        m.put("products", (s, v) -> s.with(b -> b.products = Integer.parseInt(v)));
        m.put("customers", (s, v) -> s.with(b -> b.customers = Integer.parseInt(v)));
        m.put("skew", (s, v) -> s.with(b -> b.skew = Double.parseDouble(v)));
        m.put("events", (s, v) -> s.with(b -> b.events = Long.parseLong(v)));
        m.put("rate", (s, v) -> s.with(b -> b.rate = Double.parseDouble(v)));
        m.put("duration", (s, v) -> s.with(b -> b.duration = v.isEmpty() || v.equals("none") ? null : parseDuration(v)));
        m.put("startTs", (s, v) -> s.with(b -> b.startTs = parseTimestamp(v)));
        m.put("eventTimeStepMs", (s, v) -> s.with(b -> b.eventTimeStepMs = Long.parseLong(v)));
        m.put("outOfOrderMs", (s, v) -> s.with(b -> b.outOfOrderMs = Long.parseLong(v)));
        m.put("lateFraction", (s, v) -> s.with(b -> b.lateFraction = Double.parseDouble(v)));
        m.put("lateByMs", (s, v) -> s.with(b -> b.lateByMs = Long.parseLong(v)));
        m.put("duplicateFraction", (s, v) -> s.with(b -> b.duplicateFraction = Double.parseDouble(v)));
        m.put("malformedFraction", (s, v) -> s.with(b -> b.malformedFraction = Double.parseDouble(v)));
        m.put("unknownProductFraction", (s, v) -> s.with(b -> b.unknownProductFraction = Double.parseDouble(v)));
        m.put("unknownCustomerFraction", (s, v) -> s.with(b -> b.unknownCustomerFraction = Double.parseDouble(v)));
        m.put("badReferenceFraction", (s, v) -> s.with(b -> b.badReferenceFraction = Double.parseDouble(v)));
        m.put("orderFraction", (s, v) -> s.with(b -> b.orderFraction = Double.parseDouble(v)));
        m.put("addToCartFraction", (s, v) -> s.with(b -> b.addToCartFraction = Double.parseDouble(v)));
        m.put("isoTsFraction", (s, v) -> s.with(b -> b.isoTsFraction = Double.parseDouble(v)));
        m.put("paidFraction", (s, v) -> s.with(b -> b.paidFraction = Double.parseDouble(v)));
        m.put("failedPaymentFraction", (s, v) -> s.with(b -> b.failedPaymentFraction = Double.parseDouble(v)));
        m.put("mismatchFraction", (s, v) -> s.with(b -> b.mismatchFraction = Double.parseDouble(v)));
        m.put("duplicatePaymentFraction", (s, v) -> s.with(b -> b.duplicatePaymentFraction = Double.parseDouble(v)));
        m.put("orphanPaymentFraction", (s, v) -> s.with(b -> b.orphanPaymentFraction = Double.parseDouble(v)));
        m.put("authorizedFraction", (s, v) -> s.with(b -> b.authorizedFraction = Double.parseDouble(v)));
        return m;
    }

    private GeneratorSettings with(java.util.function.Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    private static void require(boolean ok, String key, String message) {
        if (!ok) {
            throw new IllegalArgumentException("generator option '" + key + "' " + message);
        }
    }

    private static void fraction(double value, String key) {
        require(value >= 0 && value <= 1, key, "must lie in [0, 1], got " + value);
    }

    /** Mutable copy used by the parser. */
    private static final class Builder {
        long seed;
        int products;
        int customers;
        double skew;
        long events;
        double rate;
        Duration duration;
        long startTs;
        long eventTimeStepMs;
        long outOfOrderMs;
        double lateFraction;
        long lateByMs;
        double duplicateFraction;
        double malformedFraction;
        double unknownProductFraction;
        double unknownCustomerFraction;
        double badReferenceFraction;
        double orderFraction;
        double addToCartFraction;
        double isoTsFraction;
        double paidFraction;
        double failedPaymentFraction;
        double mismatchFraction;
        double duplicatePaymentFraction;
        double orphanPaymentFraction;
        double authorizedFraction;

        Builder(GeneratorSettings s) {
            seed = s.seed;
            products = s.products;
            customers = s.customers;
            skew = s.skew;
            events = s.events;
            rate = s.rate;
            duration = s.duration;
            startTs = s.startTs;
            eventTimeStepMs = s.eventTimeStepMs;
            outOfOrderMs = s.outOfOrderMs;
            lateFraction = s.lateFraction;
            lateByMs = s.lateByMs;
            duplicateFraction = s.duplicateFraction;
            malformedFraction = s.malformedFraction;
            unknownProductFraction = s.unknownProductFraction;
            unknownCustomerFraction = s.unknownCustomerFraction;
            badReferenceFraction = s.badReferenceFraction;
            orderFraction = s.orderFraction;
            addToCartFraction = s.addToCartFraction;
            isoTsFraction = s.isoTsFraction;
            paidFraction = s.paidFraction;
            failedPaymentFraction = s.failedPaymentFraction;
            mismatchFraction = s.mismatchFraction;
            duplicatePaymentFraction = s.duplicatePaymentFraction;
            orphanPaymentFraction = s.orphanPaymentFraction;
            authorizedFraction = s.authorizedFraction;
        }

        GeneratorSettings build() {
            return new GeneratorSettings(
                    seed, products, customers, skew, events, rate, duration, startTs, eventTimeStepMs,
                    outOfOrderMs, lateFraction, lateByMs, duplicateFraction, malformedFraction,
                    unknownProductFraction, unknownCustomerFraction, badReferenceFraction, orderFraction,
                    addToCartFraction, isoTsFraction, paidFraction, failedPaymentFraction, mismatchFraction,
                    duplicatePaymentFraction, orphanPaymentFraction, authorizedFraction);
        }
    }
}
