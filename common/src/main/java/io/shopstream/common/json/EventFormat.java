package io.shopstream.common.json;

import io.shopstream.common.model.Event;
import io.shopstream.common.model.EventType;

/** The contract's Event input format ({@code shop.events}). */
public final class EventFormat implements RecordFormat<Event> {

    private static final long serialVersionUID = 1L;

    public static final int MAX_QUANTITY = 10_000;

    static final Fields.Names FIELDS =
            Fields.Names.of("eventId", "type", "customerId", "productId", "ts", "quantity", "orderId", "amountCents");

    @Override
    public Fields.Names fields() {
        return FIELDS;
    }

    @Override
    public Event read(Fields o) throws InvalidRecordException {
        String eventId = o.requiredId("eventId");
        EventType type = o.requiredEnum("type", EventType.class);
        String customerId = o.requiredId("customerId");
        String productId = o.requiredId("productId");
        long ts = o.requiredTimestamp("ts");
        int quantity = (int) o.optionalLong("quantity", 1, MAX_QUANTITY, 1);
        String orderId = null;
        Long amountCents = null;
        if (type == EventType.ORDER) {
            orderId = o.requiredId("orderId");
            amountCents = o.requiredCents("amountCents");
        }
        return new Event(eventId, type, customerId, productId, quantity, orderId, amountCents, ts);
    }
}
