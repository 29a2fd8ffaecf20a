package io.shopstream.payments;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/**
 * The options of the {@code payments} job (the matching window around an order), next to the job; the options every job shares
 * (Kafka, topics, input, watermarks) are {@code ShopOptions}. Set them like any other:
 * {@code --key value}, {@code -Dkey=value} or in Flink's {@code config.yaml}.
 */
public final class PaymentsOptions {

    private PaymentsOptions() {}

    public static final ConfigOption<Duration> BEFORE_ORDER =
            key("payments.before-order")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription("How long before an order's ts a payment still matches it.");

    public static final ConfigOption<Duration> AFTER_ORDER =
            key("payments.after-order")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(15))
                    .withDescription(
                            "How long after an order's ts a payment still matches it; an order without a captured"
                                    + " payment by then is unpaid.");

    /** The job's own options, in the order they are printed at start-up. */
    public static final List<ConfigOption<?>> ALL = List.of(BEFORE_ORDER, AFTER_ORDER);
}
