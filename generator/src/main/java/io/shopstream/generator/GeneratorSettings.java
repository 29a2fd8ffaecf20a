package io.shopstream.generator;

import static io.shopstream.generator.GeneratorOptions.*;

import io.shopstream.common.config.CommandLine;
import io.shopstream.common.config.ConfigException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Everything that shapes the generated data. Equal settings give a byte-identical record
 * sequence; nothing in the content depends on the wall clock. Read from {@link GeneratorOptions}
 * (the keys, defaults and descriptions), whose key names each component here.
 *
 * @param seed seed of the random generator
 * @param products number of products published ({@code p-1} ... {@code p-N})
 * @param customers number of customers published ({@code c-1} ... {@code c-N})
 * @param skew Zipf-like exponent of customer and product popularity; 0 is uniform
 * @param events records written to the events topic (valid, duplicate and malformed); 0 = unlimited
 * @param rate events per second; 0 = as fast as possible (used by the Kafka publisher only)
 * @param duration wall-clock run time, or null for no limit (used by the Kafka publisher only)
 * @param startTs ({@code start-ts}) event time of the first event, epoch millis
 * @param eventTimeStepMs ({@code event-time-step}) average event-time advance per event record
 * @param outOfOrderMs ({@code out-of-order}) largest disorder of an on-time event (behind the newest event time so far)
 * @param lateFraction share of events that are late: this far behind plus {@code late-by}
 * @param lateByMs ({@code late-by}) how far beyond {@code out-of-order} a late event is
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

    public static final long DEFAULT_START_TS = Instant.parse(START_TS.defaultValue()).toEpochMilli();

    public GeneratorSettings {
        require(products > 0, PRODUCTS.key(), "must be positive");
        require(customers > 0, CUSTOMERS.key(), "must be positive");
        require(skew >= 0, SKEW.key(), "must be >= 0");
        require(events >= 0, EVENTS.key(), "must be >= 0 (0 = unlimited)");
        require(rate >= 0, RATE.key(), "must be >= 0 (0 = as fast as possible)");
        require(duration == null || !duration.isNegative(), DURATION.key(), "must not be negative");
        require(eventTimeStepMs >= 0, EVENT_TIME_STEP.key(), "must be >= 0");
        require(outOfOrderMs >= 0, OUT_OF_ORDER.key(), "must be >= 0");
        require(lateByMs > 0, LATE_BY.key(), "must be positive");
        fraction(lateFraction, LATE_FRACTION);
        fraction(duplicateFraction, DUPLICATE_FRACTION);
        fraction(malformedFraction, MALFORMED_FRACTION);
        fraction(unknownProductFraction, UNKNOWN_PRODUCT_FRACTION);
        fraction(unknownCustomerFraction, UNKNOWN_CUSTOMER_FRACTION);
        fraction(badReferenceFraction, BAD_REFERENCE_FRACTION);
        fraction(orderFraction, ORDER_FRACTION);
        fraction(addToCartFraction, ADD_TO_CART_FRACTION);
        fraction(isoTsFraction, ISO_TS_FRACTION);
        fraction(paidFraction, PAID_FRACTION);
        fraction(failedPaymentFraction, FAILED_PAYMENT_FRACTION);
        fraction(mismatchFraction, MISMATCH_FRACTION);
        fraction(duplicatePaymentFraction, DUPLICATE_PAYMENT_FRACTION);
        fraction(orphanPaymentFraction, ORPHAN_PAYMENT_FRACTION);
        fraction(authorizedFraction, AUTHORIZED_FRACTION);
        require(orderFraction + addToCartFraction <= 1.0, ORDER_FRACTION.key(),
                "plus " + ADD_TO_CART_FRACTION.key() + " must not exceed 1");
        require(lateFraction + duplicateFraction + malformedFraction <= 1.0, LATE_FRACTION.key(),
                "plus " + DUPLICATE_FRACTION.key() + " and " + MALFORMED_FRACTION.key() + " must not exceed 1");
    }

    /** The documented defaults ({@link GeneratorOptions}'). */
    public static GeneratorSettings defaults() {
        return of(new Configuration());
    }

    /**
     * Settings from {@code --key value} arguments ({@link GeneratorOptions#DATA}) on top of the
     * defaults, read by {@link CommandLine}: for in-process callers (tests, the cluster code, the
     * bench). An unknown key or a bad value is a {@link ConfigException} naming the key.
     */
    public static GeneratorSettings fromArgs(String... args) {
        return of(CommandLine.parse(DATA, args).config());
    }

    /** The settings a configuration holds ({@link GeneratorOptions#DATA}; the defaults for the rest). */
    public static GeneratorSettings of(ReadableConfig c) {
        return new GeneratorSettings(
                c.get(SEED), c.get(PRODUCTS), c.get(CUSTOMERS), c.get(SKEW), c.get(EVENTS), c.get(RATE),
                c.get(DURATION), timestamp(c.get(START_TS)), c.get(EVENT_TIME_STEP).toMillis(),
                c.get(OUT_OF_ORDER).toMillis(), c.get(LATE_FRACTION), c.get(LATE_BY).toMillis(),
                c.get(DUPLICATE_FRACTION), c.get(MALFORMED_FRACTION), c.get(UNKNOWN_PRODUCT_FRACTION),
                c.get(UNKNOWN_CUSTOMER_FRACTION), c.get(BAD_REFERENCE_FRACTION), c.get(ORDER_FRACTION),
                c.get(ADD_TO_CART_FRACTION), c.get(ISO_TS_FRACTION), c.get(PAID_FRACTION),
                c.get(FAILED_PAYMENT_FRACTION), c.get(MISMATCH_FRACTION), c.get(DUPLICATE_PAYMENT_FRACTION),
                c.get(ORPHAN_PAYMENT_FRACTION), c.get(AUTHORIZED_FRACTION));
    }

    /** An event time: epoch millis or an ISO-8601 instant. */
    private static long timestamp(String text) {
        String t = text.trim();
        try {
            return !t.isEmpty() && t.chars().allMatch(Character::isDigit) ? Long.parseLong(t) : Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ConfigException("Invalid value '" + text + "' for '" + START_TS.key()
                    + "': expected epoch millis or an ISO-8601 instant such as " + START_TS.defaultValue());
        }
    }

    /** A one-line description of the settings. */
    public String describe() {
        return String.format(Locale.ROOT,
                "seed=%d products=%d customers=%d skew=%s events=%s rate=%s duration=%s start-ts=%s"
                        + " event-time-step=%s out-of-order=%s late-fraction=%s duplicate-fraction=%s"
                        + " malformed-fraction=%s",
                seed, products, customers, skew, events == 0 ? "unlimited" : String.valueOf(events),
                rate == 0 ? "max" : rate + "/s", duration == null ? "none" : CommandLine.format(duration),
                Instant.ofEpochMilli(startTs), CommandLine.format(Duration.ofMillis(eventTimeStepMs)),
                CommandLine.format(Duration.ofMillis(outOfOrderMs)), lateFraction, duplicateFraction,
                malformedFraction);
    }

    private static void require(boolean ok, String key, String message) {
        if (!ok) {
            throw new ConfigException("Generator option '" + key + "' " + message);
        }
    }

    private static void fraction(double value, ConfigOption<Double> option) {
        require(value >= 0 && value <= 1, option.key(), "must lie in [0, 1], got " + value);
    }
}
