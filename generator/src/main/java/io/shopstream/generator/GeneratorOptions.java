package io.shopstream.generator;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.shopstream.common.config.KafkaClientProperties;
import io.shopstream.common.config.ShopOptions;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/**
 * The generator's settings as Flink {@link ConfigOption}s, read by the suite's one command-line
 * mechanism ({@code CommandLine}): what to generate ({@link #DATA}, read into {@link
 * GeneratorSettings}) and where to write it ({@link #KAFKA}, ShopOptions' own keys). Durations are
 * in Flink's syntax; a bare number is milliseconds.
 */
public final class GeneratorOptions {

    private GeneratorOptions() {}

    public static final ConfigOption<Long> SEED =
            key("seed").longType().defaultValue(42L).withDescription("Seed of the random generator.");

    public static final ConfigOption<Integer> PRODUCTS =
            key("products").intType().defaultValue(200).withDescription("Products published (p-1 ... p-N).");

    public static final ConfigOption<Integer> CUSTOMERS =
            key("customers").intType().defaultValue(1000).withDescription("Customers published (c-1 ... c-N).");

    public static final ConfigOption<Double> SKEW =
            key("skew").doubleType().defaultValue(1.0)
                    .withDescription("Zipf-like exponent of customer and product popularity; 0 is uniform.");

    public static final ConfigOption<Long> EVENTS =
            key("events").longType().defaultValue(10_000L)
                    .withDescription("Records written to the events topic (valid, duplicate and malformed); 0 = unlimited.");

    public static final ConfigOption<Double> RATE =
            key("rate").doubleType().defaultValue(0.0)
                    .withDescription("Events per second; 0 = as fast as possible (Kafka publisher only).");

    public static final ConfigOption<Duration> DURATION =
            key("duration").durationType().noDefaultValue()
                    .withDescription("Wall-clock run time, e.g. 30 s or 5 min; not set = no limit (Kafka publisher only).");

    public static final ConfigOption<String> START_TS =
            key("start-ts").stringType().defaultValue("2025-11-27T10:00:00Z")
                    .withDescription("Event time of the first event: epoch millis or an ISO-8601 instant.");

    public static final ConfigOption<Duration> EVENT_TIME_STEP =
            key("event-time-step").durationType().defaultValue(Duration.ofMillis(50))
                    .withDescription("Average event-time advance per event record.");

    public static final ConfigOption<Duration> OUT_OF_ORDER =
            key("out-of-order").durationType().defaultValue(Duration.ofSeconds(4))
                    .withDescription("Largest disorder of an on-time event behind the newest event time so far"
                            + " (the jobs' bound is 5 s).");

    public static final ConfigOption<Double> LATE_FRACTION =
            fraction("late-fraction", 0.0, "events that are late: out-of-order plus late-by behind the newest");

    public static final ConfigOption<Duration> LATE_BY =
            key("late-by").durationType().defaultValue(Duration.ofSeconds(20))
                    .withDescription("How far beyond out-of-order a late event is.");

    public static final ConfigOption<Double> DUPLICATE_FRACTION =
            fraction("duplicate-fraction", 0.02, "event records that re-send a recent event (a producer retry)");
    public static final ConfigOption<Double> MALFORMED_FRACTION =
            fraction("malformed-fraction", 0.01, "event records (and payment attempts) that are bad records");
    public static final ConfigOption<Double> UNKNOWN_PRODUCT_FRACTION =
            fraction("unknown-product-fraction", 0.005, "events referencing a product that is never published");
    public static final ConfigOption<Double> UNKNOWN_CUSTOMER_FRACTION =
            fraction("unknown-customer-fraction", 0.005, "events from a customer that is never published");
    public static final ConfigOption<Double> BAD_REFERENCE_FRACTION =
            fraction("bad-reference-fraction", 0.01, "product/customer records followed by an invalid version");
    public static final ConfigOption<Double> ORDER_FRACTION =
            fraction("order-fraction", 0.05, "events that are ORDERs");
    public static final ConfigOption<Double> ADD_TO_CART_FRACTION =
            fraction("add-to-cart-fraction", 0.15, "events that are ADD_TO_CARTs (the rest are VIEWs)");
    public static final ConfigOption<Double> ISO_TS_FRACTION =
            fraction("iso-ts-fraction", 0.1, "events whose ts is written as an ISO-8601 string");
    public static final ConfigOption<Double> PAID_FRACTION =
            fraction("paid-fraction", 0.85, "orders that get a CAPTURED payment");
    public static final ConfigOption<Double> FAILED_PAYMENT_FRACTION =
            fraction("failed-payment-fraction", 0.1, "orders that get 1-2 FAILED attempts first");
    public static final ConfigOption<Double> MISMATCH_FRACTION =
            fraction("mismatch-fraction", 0.02, "paid orders whose captured amount differs from the order's");
    public static final ConfigOption<Double> DUPLICATE_PAYMENT_FRACTION =
            fraction("duplicate-payment-fraction", 0.02, "paid orders that get a second CAPTURED payment");
    public static final ConfigOption<Double> ORPHAN_PAYMENT_FRACTION =
            fraction("orphan-payment-fraction", 0.01, "orders followed by a CAPTURED payment for an unknown order");
    public static final ConfigOption<Double> AUTHORIZED_FRACTION =
            fraction("authorized-fraction", 0.2, "paid orders with an AUTHORIZED payment before the capture");

    /** What to generate: every option {@link GeneratorSettings} reads, in its order. */
    public static final List<ConfigOption<?>> DATA = List.of(
            SEED, PRODUCTS, CUSTOMERS, SKEW, EVENTS, RATE, DURATION, START_TS, EVENT_TIME_STEP, OUT_OF_ORDER,
            LATE_FRACTION, LATE_BY, DUPLICATE_FRACTION, MALFORMED_FRACTION, UNKNOWN_PRODUCT_FRACTION,
            UNKNOWN_CUSTOMER_FRACTION, BAD_REFERENCE_FRACTION, ORDER_FRACTION, ADD_TO_CART_FRACTION, ISO_TS_FRACTION,
            PAID_FRACTION, FAILED_PAYMENT_FRACTION, MISMATCH_FRACTION, DUPLICATE_PAYMENT_FRACTION,
            ORPHAN_PAYMENT_FRACTION, AUTHORIZED_FRACTION);

    /**
     * Where to write: the jobs' own Kafka options (plus any {@code kafka.properties.<client key>},
     * an open prefix: {@link #OPEN_PREFIXES}).
     */
    public static final List<ConfigOption<?>> KAFKA = List.of(
            ShopOptions.BOOTSTRAP_SERVERS, ShopOptions.KAFKA_PROPERTIES_FILE, ShopOptions.TOPIC_PRODUCTS,
            ShopOptions.TOPIC_CUSTOMERS, ShopOptions.TOPIC_EVENTS, ShopOptions.TOPIC_PAYMENTS);

    /** Keys taken beyond the options: Kafka client properties, which {@link KafkaClientProperties} checks. */
    public static final List<String> OPEN_PREFIXES = List.of(KafkaClientProperties.PREFIX);

    private static ConfigOption<Double> fraction(String key, double defaultValue, String what) {
        return key(key).doubleType().defaultValue(defaultValue).withDescription("Share of " + what + ", in [0, 1].");
    }
}
