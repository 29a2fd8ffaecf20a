package io.shopstream.common.json;

import io.shopstream.common.model.Customer;
import io.shopstream.common.model.CustomerUpdate;

/** The contract's Customer reference format ({@code shop.customers}, compacted, with tombstones). */
public final class CustomerFormat implements RecordFormat<CustomerUpdate> {

    private static final long serialVersionUID = 1L;

    private static final Fields.Names FIELDS = Fields.Names.of("customerId", "country", "segment");

    @Override
    public Fields.Names fields() {
        return FIELDS;
    }

    @Override
    public CustomerUpdate read(Fields o) throws InvalidRecordException {
        String customerId = o.requiredId("customerId");
        String country = o.requiredString("country");
        String segment = o.requiredString("segment");
        return new CustomerUpdate(customerId, new Customer(customerId, country, segment));
    }

    @Override
    public void checkKey(String key, CustomerUpdate record) throws InvalidRecordException {
        RecordFormat.requireKeyIsId(key, "customerId", record.customerId());
    }

    @Override
    public CustomerUpdate tombstone(String key) {
        return new CustomerUpdate(key, null);
    }
}
