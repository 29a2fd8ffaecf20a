package io.shopstream.testkit;

import io.shopstream.common.config.ShopOptions;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/** Creates the contract's topics, with its cleanup policies, in an {@link EmbeddedKafka}. */
public final class ContractTopics {

    private ContractTopics() {}

    public static final List<ConfigOption<String>> COMPACTED =
            List.of(ShopOptions.TOPIC_PRODUCTS, ShopOptions.TOPIC_CUSTOMERS, ShopOptions.TOPIC_CATEGORY_STATS);

    public static final List<ConfigOption<String>> DELETE =
            List.of(
                    ShopOptions.TOPIC_EVENTS, ShopOptions.TOPIC_PAYMENTS, ShopOptions.TOPIC_ENRICHED,
                    ShopOptions.TOPIC_DLQ, ShopOptions.TOPIC_CATEGORY_STATS_LATE, ShopOptions.TOPIC_SESSIONS,
                    ShopOptions.TOPIC_SESSIONS_LATE, ShopOptions.TOPIC_ORDERS_PAID, ShopOptions.TOPIC_ORDERS_UNPAID,
                    ShopOptions.TOPIC_PAYMENTS_ORPHANED);

    /** Creates every contract topic under its default name. */
    public static void createAll(EmbeddedKafka kafka, int partitions) {
        kafka.createTopics(partitions, true, COMPACTED.stream().map(ConfigOption::defaultValue).toArray(String[]::new));
        kafka.createTopics(partitions, false, DELETE.stream().map(ConfigOption::defaultValue).toArray(String[]::new));
    }

    /**
     * Creates every contract topic with {@code prefix} in front of its default name (so tests in
     * one cluster stay apart) and returns the {@code --topics.* name} arguments that point a job
     * at them.
     */
    public static List<String> createAll(EmbeddedKafka kafka, int partitions, String prefix) {
        kafka.createTopics(partitions, true, COMPACTED.stream().map(o -> prefix + o.defaultValue()).toArray(String[]::new));
        kafka.createTopics(partitions, false, DELETE.stream().map(o -> prefix + o.defaultValue()).toArray(String[]::new));
        return names(prefix);
    }

    /** The {@code --topics.* name} arguments for the topics {@link #createAll(EmbeddedKafka, int, String)} made. */
    public static List<String> names(String prefix) {
        List<String> args = new java.util.ArrayList<>();
        for (ConfigOption<String> option : COMPACTED) {
            args.add("--" + option.key());
            args.add(prefix + option.defaultValue());
        }
        for (ConfigOption<String> option : DELETE) {
            args.add("--" + option.key());
            args.add(prefix + option.defaultValue());
        }
        return args;
    }
}
