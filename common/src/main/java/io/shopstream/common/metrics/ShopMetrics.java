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
    public static final String LATE = "lateEvents";
    public static final String FROM_THE_FUTURE = "eventsFromTheFuture";
    public static final String WINDOWS_EMITTED = "windowsEmitted";
    public static final String SESSIONS_EMITTED = "sessionsEmitted";

    private ShopMetrics() {}

    public static Counter counter(MetricGroup operatorGroup, String name) {
        return operatorGroup.addGroup(GROUP).counter(name);
    }
}
