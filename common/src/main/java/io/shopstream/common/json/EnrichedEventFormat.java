package io.shopstream.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Enrichment;
import io.shopstream.common.model.Event;

/**
 * Reads {@code shop.events.enriched} for the downstream jobs: the Event fields under the same
 * rules, plus the enrichment. The topic is written by {@code enrich}, but it is still checked: a
 * foreign producer's bad record goes to the dead-letter topic.
 */
public final class EnrichedEventFormat implements RecordFormat<EnrichedEvent> {

    private static final long serialVersionUID = 1L;

    private final EventFormat event = new EventFormat();

    @Override
    public EnrichedEvent read(JsonNode o) throws InvalidRecordException {
        Event e = event.read(o);
        String category = optionalString(o, "category");
        Long unitPrice = Fields.isMissing(o.get("unitPriceCents"))
                ? null
                : Fields.requiredLong(o, "unitPriceCents", 0, Long.MAX_VALUE);
        return new EnrichedEvent(
                e.eventId(), e.type(), e.customerId(), e.productId(), e.quantity(), e.orderId(), e.amountCents(), e.ts(),
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
