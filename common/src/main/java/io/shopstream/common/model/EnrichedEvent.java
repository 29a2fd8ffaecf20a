package io.shopstream.common.model;

/** An event joined with the latest known product and customer ({@code shop.events.enriched}). */
public record EnrichedEvent(
        String eventId,
        EventType type,
        String customerId,
        String productId,
        int quantity,
        String orderId,
        Long amountCents,
        long ts,
        String category,
        String productName,
        Long unitPriceCents,
        String country,
        String segment,
        Enrichment enrichment) {

    /** Category written for events whose product is unknown. */
    public static final String UNKNOWN_CATEGORY = "unknown";

    public static EnrichedEvent of(Event event, Product product, Customer customer) {
        return new EnrichedEvent(
                event.eventId(),
                event.type(),
                event.customerId(),
                event.productId(),
                event.quantity(),
                event.orderId(),
                event.amountCents(),
                event.ts(),
                product == null ? UNKNOWN_CATEGORY : product.category(),
                product == null ? null : product.name(),
                product == null ? null : product.priceCents(),
                customer == null ? null : customer.country(),
                customer == null ? null : customer.segment(),
                Enrichment.of(product != null, customer != null));
    }
}
