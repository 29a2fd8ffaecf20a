package io.shopstream.common.json;

import io.shopstream.common.model.Payment;
import io.shopstream.common.model.PaymentStatus;

/** The contract's Payment input format ({@code shop.payments}). */
public final class PaymentFormat implements RecordFormat<Payment> {

    private static final long serialVersionUID = 1L;

    private static final Fields.Names FIELDS = Fields.Names.of("paymentId", "orderId", "amountCents", "status", "ts");

    @Override
    public Fields.Names fields() {
        return FIELDS;
    }

    @Override
    public Payment read(Fields o) throws InvalidRecordException {
        String paymentId = o.requiredId("paymentId");
        String orderId = o.requiredId("orderId");
        long amountCents = o.requiredCents("amountCents");
        PaymentStatus status = o.requiredEnum("status", PaymentStatus.class);
        long ts = o.requiredTimestamp("ts");
        return new Payment(paymentId, orderId, amountCents, status, ts);
    }
}
