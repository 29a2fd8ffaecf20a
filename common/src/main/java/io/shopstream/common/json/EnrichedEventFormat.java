package io.shopstream.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Enrichment;
import io.shopstream.common.model.EventType;

/**
 * Reads {@code shop.events.enriched} for the downstream jobs. The topic is written by {@code
 * enrich}, but it is still checked: a foreign producer's bad record goes to the dead-letter topic.
 */
public final class EnrichedEventFormat implements RecordFormat<EnrichedEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public EnrichedEvent read(JsonNode o) throws InvalidRecordException {
        String eventId = Fields.requiredId(o, "eventId");
        EventType type = Fields.requiredEnum(o, "type", EventType.class);
        String customerId = Fields.requiredId(o, "customerId");
        String productId = Fields.requiredId(o, "productId");
        long ts = Fields.requiredTimestamp(o, "ts");
        int quantity = (int) Fields.optionalLong(o, "quantity", 1, EventFormat.MAX_QUANTITY, 1);
        String orderId = null;
        Long amountCents = null;
        if (type == EventType.ORDER) {
            orderId = Fields.requiredId(o, "orderId");
            amountCents = Fields.requiredLong(o, "amountCents", 0, Long.MAX_VALUE);
        }
        String category = optionalString(o, "category");
        Long unitPrice = Fields.isMissing(o.get("unitPriceCents"))
                ? null
                : Fields.requiredLong(o, "unitPriceCents", 0, Long.MAX_VALUE);
        return new EnrichedEvent(
                eventId, type, customerId, productId, quantity, orderId, amountCents, ts,
                category == null ? EnrichedEvent.UNKNOWN_CATEGORY : category,
                optionalString(o, "productName"),
                unitPrice,
                optionalString(o, "country"),
                optionalString(o, "segment"),
                Fields.requiredEnum(o, "enrichment", Enrichment.class));
    }

    private static String optionalString(JsonNode o, String field) throws InvalidRecordException {
        return Fields.isMissing(o.get(field)) ? null : Fields.requiredString(o, field);
    }
}
