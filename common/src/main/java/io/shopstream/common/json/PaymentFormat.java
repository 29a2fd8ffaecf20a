package io.shopstream.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.PaymentStatus;

/** The contract's Payment input format ({@code shop.payments}). */
public final class PaymentFormat implements RecordFormat<Payment> {

    private static final long serialVersionUID = 1L;

    @Override
    public Payment read(JsonNode o) throws InvalidRecordException {
        String paymentId = Fields.requiredId(o, "paymentId");
        String orderId = Fields.requiredId(o, "orderId");
        long amountCents = Fields.requiredLong(o, "amountCents", 0, Long.MAX_VALUE);
        PaymentStatus status = Fields.requiredEnum(o, "status", PaymentStatus.class);
        long ts = Fields.requiredTimestamp(o, "ts");
        return new Payment(paymentId, orderId, amountCents, status, ts);
    }
}
