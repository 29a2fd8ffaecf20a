package io.shopstream.common.enrich;

import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.Event;

/**
 * The enricher's keyed input: an event or a customer update, exactly one of them set. Both are
 * keyed by customer id, so they travel as one stream into one keyed operator.
 */
public record EventOrCustomer(Event event, CustomerUpdate customerUpdate) {

    public static EventOrCustomer of(Event event) {
        return new EventOrCustomer(event, null);
    }

    public static EventOrCustomer of(CustomerUpdate update) {
        return new EventOrCustomer(null, update);
    }

    /** The key: the customer the event or update belongs to. */
    public String customerId() {
        return event != null ? event.customerId() : customerUpdate.customerId();
    }
}
