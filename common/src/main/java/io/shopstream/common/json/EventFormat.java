package io.shopstream.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.EventType;

/** The contract's Event input format ({@code shop.events}). */
public final class EventFormat implements RecordFormat<Event> {

    private static final long serialVersionUID = 1L;

    public static final int MAX_QUANTITY = 10_000;

    @Override
    public Event read(JsonNode o) throws InvalidRecordException {
        String eventId = Fields.requiredId(o, "eventId");
        EventType type = Fields.requiredEnum(o, "type", EventType.class);
        String customerId = Fields.requiredId(o, "customerId");
        String productId = Fields.requiredId(o, "productId");
        long ts = Fields.requiredTimestamp(o, "ts");
        int quantity = (int) Fields.optionalLong(o, "quantity", 1, MAX_QUANTITY, 1);
        String orderId = null;
        Long amountCents = null;
        if (type == EventType.ORDER) {
            orderId = Fields.requiredId(o, "orderId");
            amountCents = Fields.requiredLong(o, "amountCents", 0, Long.MAX_VALUE);
        }
        return new Event(eventId, type, customerId, productId, quantity, orderId, amountCents, ts);
    }
}
