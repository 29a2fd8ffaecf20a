package io.shopstream.common.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Enrichment;
import io.shopstream.common.model.Event;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads {@code shop.events.enriched} for the downstream jobs: the Event fields under the same
 * rules, plus the enrichment. The topic is written by {@code enrich}, but it is still checked: a
 * foreign producer's bad record goes to the dead-letter topic. Also writes the topic's JSON, the
 * output of every event, without going through the mapper's reflection.
 */
public final class EnrichedEventFormat implements RecordFormat<EnrichedEvent> {

    private static final long serialVersionUID = 1L;

    private static final Fields.Names FIELDS = EventFormat.FIELDS.and(
            "category", "productName", "unitPriceCents", "country", "segment", "enrichment");

    /** Each thread writes into its own buffer, kept between events; only the result is allocated. */
    private static final ThreadLocal<ByteArrayBuilder> BUFFER = ThreadLocal.withInitial(ByteArrayBuilder::new);

    // The output's field names, quoted and encoded once.
    private static final SerializedString EVENT_ID = new SerializedString("eventId");
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString CUSTOMER_ID = new SerializedString("customerId");
    private static final SerializedString PRODUCT_ID = new SerializedString("productId");
    private static final SerializedString QUANTITY = new SerializedString("quantity");
    private static final SerializedString ORDER_ID = new SerializedString("orderId");
    private static final SerializedString AMOUNT_CENTS = new SerializedString("amountCents");
    private static final SerializedString TS = new SerializedString("ts");
    private static final SerializedString CATEGORY = new SerializedString("category");
    private static final SerializedString PRODUCT_NAME = new SerializedString("productName");
    private static final SerializedString UNIT_PRICE_CENTS = new SerializedString("unitPriceCents");
    private static final SerializedString COUNTRY = new SerializedString("country");
    private static final SerializedString SEGMENT = new SerializedString("segment");
    private static final SerializedString ENRICHMENT = new SerializedString("enrichment");

    private final EventFormat event = new EventFormat();

    @Override
    public Fields.Names fields() {
        return FIELDS;
    }

    @Override
    public EnrichedEvent read(Fields o) throws InvalidRecordException {
        Event e = event.read(o);
        String category = optionalString(o, "category");
        Long unitPrice = o.optionalCents("unitPriceCents");
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

    /**
     * The event as UTF-8 JSON, byte for byte what {@link Json#MAPPER} writes for the record: fields
     * in declaration order, nulls written as null, enums by name.
     */
    public static byte[] toJson(EnrichedEvent e) {
        ByteArrayBuilder out = BUFFER.get();
        out.reset();
        try (JsonGenerator g = Json.MAPPER.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            writeString(g, EVENT_ID, e.eventId());
            writeString(g, TYPE, nameOf(e.type()));
            writeString(g, CUSTOMER_ID, e.customerId());
            writeString(g, PRODUCT_ID, e.productId());
            g.writeFieldName(QUANTITY);
            g.writeNumber(e.quantity());
            writeString(g, ORDER_ID, e.orderId());
            writeLong(g, AMOUNT_CENTS, e.amountCents());
            g.writeFieldName(TS);
            g.writeNumber(e.ts());
            writeString(g, CATEGORY, e.category());
            writeString(g, PRODUCT_NAME, e.productName());
            writeLong(g, UNIT_PRICE_CENTS, e.unitPriceCents());
            writeString(g, COUNTRY, e.country());
            writeString(g, SEGMENT, e.segment());
            writeString(g, ENRICHMENT, nameOf(e.enrichment()));
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException("Cannot serialize EnrichedEvent", x);
        }
        return out.toByteArray();
    }

    private static String nameOf(Enum<?> value) {
        return value == null ? null : value.name();
    }

    /** A string field; a null string is written as null. */
    private static void writeString(JsonGenerator g, SerializedString field, String value) throws IOException {
        g.writeFieldName(field);
        g.writeString(value);
    }

    private static void writeLong(JsonGenerator g, SerializedString field, Long value) throws IOException {
        g.writeFieldName(field);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value);
        }
    }
}
