package io.shopstream.sessions;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/**
 * The options of the {@code sessions} job (the session gap), next to the job; the options every job shares
 * (Kafka, topics, input, watermarks) are {@code ShopOptions}. Set them like any other:
 * {@code --key value}, {@code -Dkey=value} or in Flink's {@code config.yaml}.
 */
public final class SessionsOptions {

    private SessionsOptions() {}

    public static final ConfigOption<Duration> GAP =
            key("sessions.gap")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(30))
                    .withDescription("Inactivity gap that ends a customer's session.");

    /** The job's own options, in the order they are printed at start-up. */
    public static final List<ConfigOption<?>> ALL = List.of(GAP);
}
