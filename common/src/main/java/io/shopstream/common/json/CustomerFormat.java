package io.shopstream.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.common.model.Customer;
import io.shopstream.common.model.CustomerUpdate;

/** The contract's Customer reference format ({@code shop.customers}, compacted, with tombstones). */
public final class CustomerFormat implements RecordFormat<CustomerUpdate> {

    private static final long serialVersionUID = 1L;

    @Override
    public CustomerUpdate read(JsonNode o) throws InvalidRecordException {
        String customerId = Fields.requiredId(o, "customerId");
        String country = Fields.requiredString(o, "country");
        String segment = Fields.requiredString(o, "segment");
        return new CustomerUpdate(customerId, new Customer(customerId, country, segment));
    }

    @Override
    public CustomerUpdate tombstone(String key) {
        return new CustomerUpdate(key, null);
    }
}
