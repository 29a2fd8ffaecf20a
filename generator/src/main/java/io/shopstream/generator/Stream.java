package io.shopstream.generator;

import io.shopstream.common.config.ShopOptions;
import org.apache.flink.configuration.ConfigOption;

/** The input topic a generated record belongs to. */
public enum Stream {
    PRODUCTS(ShopOptions.TOPIC_PRODUCTS),
    CUSTOMERS(ShopOptions.TOPIC_CUSTOMERS),
    EVENTS(ShopOptions.TOPIC_EVENTS),
    PAYMENTS(ShopOptions.TOPIC_PAYMENTS);

    private final ConfigOption<String> topic;

    Stream(ConfigOption<String> topic) {
        this.topic = topic;
    }

    /** The option naming this stream's topic: the one mapping from a record's kind to its topic. */
    public ConfigOption<String> topicOption() {
        return topic;
    }
}
