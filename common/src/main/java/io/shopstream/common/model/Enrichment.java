package io.shopstream.common.model;

/** Which reference data an enriched event found when it went out. */
public enum Enrichment {
    COMPLETE,
    MISSING_PRODUCT,
    MISSING_CUSTOMER,
    MISSING_BOTH;

    public static Enrichment of(boolean hasProduct, boolean hasCustomer) {
        if (hasProduct && hasCustomer) {
            return COMPLETE;
        }
        if (hasCustomer) {
            return MISSING_PRODUCT;
        }
        return hasProduct ? MISSING_CUSTOMER : MISSING_BOTH;
    }
}
