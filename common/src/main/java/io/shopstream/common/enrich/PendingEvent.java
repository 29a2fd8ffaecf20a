package io.shopstream.common.enrich;

import io.shopstream.common.model.Event;
import io.shopstream.common.model.Product;

/**
 * An event on its way through enrichment: the product found so far (null if none) and the
 * processing time by which it must go out, found or not.
 */
public record PendingEvent(Event event, Product product, long deadline) {}
