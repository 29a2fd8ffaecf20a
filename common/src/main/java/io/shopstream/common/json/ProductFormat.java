package io.shopstream.common.json;

import io.shopstream.common.model.Product;
import io.shopstream.common.model.ProductUpdate;

/** The contract's Product reference format ({@code shop.products}, compacted, with tombstones). */
public final class ProductFormat implements RecordFormat<ProductUpdate> {

    private static final long serialVersionUID = 1L;

    private static final Fields.Names FIELDS = Fields.Names.of("productId", "name", "category", "priceCents");

    @Override
    public Fields.Names fields() {
        return FIELDS;
    }

    @Override
    public ProductUpdate read(Fields o) throws InvalidRecordException {
        String productId = o.requiredId("productId");
        String name = o.requiredString("name");
        String category = o.requiredString("category");
        long priceCents = o.requiredCents("priceCents");
        return new ProductUpdate(productId, new Product(productId, name, category, priceCents));
    }

    @Override
    public void checkKey(String key, ProductUpdate record) throws InvalidRecordException {
        RecordFormat.requireKeyIsId(key, "productId", record.productId());
    }

    @Override
    public ProductUpdate tombstone(String key) {
        return new ProductUpdate(key, null);
    }
}
