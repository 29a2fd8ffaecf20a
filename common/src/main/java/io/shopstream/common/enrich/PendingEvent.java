package io.shopstream.common.enrich;

import io.shopstream.common.model.Event;

/** An event held for its product or customer, and the processing time by which it must go out. */
public record PendingEvent(Event event, long deadline) {}
