package io.shopstream.common.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Names of the suite's counters. Every counter lives in the operator's {@code shopstream} group,
 * so the web UI and the Prometheus reporter show e.g. {@code shopstream_deadLettered}.
 */
public final class ShopMetrics {

    public static final String GROUP = "shopstream";

    public static final String ACCEPTED = "accepted";
    public static final String DEAD_LETTERED = "deadLettered";
    public static final String DUPLICATES_DROPPED = "duplicatesDropped";
    public static final String HELD_FOR_REFERENCE = "heldForReferenceData";
    public static final String RELEASED_INCOMPLETE = "releasedAfterMaxWait";
    public static final String ENRICHED = "enriched";

    private ShopMetrics() {}

    public static Counter counter(MetricGroup operatorGroup, String name) {
        return operatorGroup.addGroup(GROUP).counter(name);
    }
}
