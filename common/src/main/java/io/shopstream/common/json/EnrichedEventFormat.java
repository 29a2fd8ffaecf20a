package io.shopstream.common.json;

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

    private static final Fields.Names FIELDS = EventFormat.FIELDS.and(
            "category", "productName", "unitPriceCents", "country", "segment", "enrichment");

    private final EventFormat event = new EventFormat();

    @Override
    public Fields.Names fields() {
        return FIELDS;
    }

    @Override
    public EnrichedEvent read(Fields o) throws InvalidRecordException {
        Event e = event.read(o);
        String category = optionalString(o, "category");
        Long unitPrice = o.isMissing("unitPriceCents") ? null : o.requiredLong("unitPriceCents", 0, Long.MAX_VALUE);
        return new EnrichedEvent(
                e.eventId(), e.type(), e.customerId(), e.productId(), e.quantity(), e.orderId(), e.amountCents(), e.ts(),
                category == null ? EnrichedEvent.UNKNOWN_CATEGORY : category,
                optionalString(o, "productName"),
                unitPrice,
                optionalString(o, "country"),
                optionalString(o, "segment"),
                o.requiredEnum("enrichment", Enrichment.class));
    }

    private static String optionalString(Fields o, String field) throws InvalidRecordException {
        return o.isMissing(field) ? null : o.requiredString(field);
    }
}
