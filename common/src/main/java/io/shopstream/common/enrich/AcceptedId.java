package io.shopstream.common.enrich;

/**
 * One acceptance of an event id by {@link DuplicateFilter}: the {@code ts} it was accepted with,
 * and whether the event was from the future (then forgotten in processing time).
 */
public record AcceptedId(String eventId, long ts, boolean fromTheFuture) {}
