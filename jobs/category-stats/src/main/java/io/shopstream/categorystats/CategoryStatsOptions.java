package io.shopstream.categorystats;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/**
 * The options of the {@code category-stats} job (window size and allowed lateness), next to the job; the options every job shares
 * (Kafka, topics, input, watermarks) are {@code ShopOptions}. Set them like any other:
 * {@code --key value}, {@code -Dkey=value} or in Flink's {@code config.yaml}.
 */
public final class CategoryStatsOptions {

    private CategoryStatsOptions() {}

    public static final ConfigOption<Duration> WINDOW_SIZE =
            key("category-stats.window-size")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription("Size of the tumbling event-time windows (aligned to the epoch).");

    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            key("category-stats.allowed-lateness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "How long after a window fired late events still update it (emitted again with revision + 1).");

    /** The job's own options, in the order they are printed at start-up. */
    public static final List<ConfigOption<?>> ALL = List.of(WINDOW_SIZE, ALLOWED_LATENESS);
}
