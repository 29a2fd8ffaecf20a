package io.shopstream.enrich;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/**
 * The options of the {@code enrich} job (how long an event waits for reference data, the de-duplication horizon), next to the job; the options every job shares
 * (Kafka, topics, input, watermarks) are {@code ShopOptions}. Set them like any other:
 * {@code --key value}, {@code -Dkey=value} or in Flink's {@code config.yaml}.
 */
public final class EnrichOptions {

    private EnrichOptions() {}

    public static final ConfigOption<Duration> MAX_WAIT =
            key("enrich.max-wait")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Processing time an event waits for missing product/customer data before it goes out marked.");

    public static final ConfigOption<Duration> DUPLICATE_HORIZON =
            key("enrich.duplicate-horizon")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "An event with the id of an accepted event of the same customer and a ts less than this"
                                    + " after the first one's is a duplicate.");

    /** The job's own options, in the order they are printed at start-up. */
    public static final List<ConfigOption<?>> ALL = List.of(MAX_WAIT, DUPLICATE_HORIZON);
}
