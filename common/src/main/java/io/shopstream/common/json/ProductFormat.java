package io.shopstream.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.common.model.Product;
import io.shopstream.common.model.ProductUpdate;

/** The contract's Product reference format ({@code shop.products}, compacted, with tombstones). */
public final class ProductFormat implements RecordFormat<ProductUpdate> {

    private static final long serialVersionUID = 1L;

    @Override
    public ProductUpdate read(JsonNode o) throws InvalidRecordException {
        String productId = Fields.requiredId(o, "productId");
        String name = Fields.requiredString(o, "name");
        String category = Fields.requiredString(o, "category");
        long priceCents = Fields.requiredLong(o, "priceCents", 0, Long.MAX_VALUE);
        return new ProductUpdate(productId, new Product(productId, name, category, priceCents));
    }

    @Override
    public ProductUpdate tombstone(String key) {
        return new ProductUpdate(key, null);
    }
}
