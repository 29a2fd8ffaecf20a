package io.shopstream.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.model.Customer;
import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.DeadLetterReason;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.PaymentStatus;
import io.shopstream.common.model.Product;
import io.shopstream.common.model.ProductUpdate;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Good records decode to the model exactly, in both timestamp forms; outputs write the contract's JSON. */
class InputDecoderTest {

    private static <T> T decode(RecordFormat<T> format, String key, String json) {
        Parsed<T> parsed = new InputDecoder<>(format, "enrich", 65_536)
                .decode("t", 0, 0, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        json == null ? null : json.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.deadLetter).isNull();
        return parsed.value;
    }

    private static DeadLetter deadLetter(RecordFormat<?> format, String key, String json) {
        Parsed<?> parsed = new InputDecoder<>(format, "enrich", 65_536)
                .decode("t", 0, 0, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        json == null ? null : json.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.isOk()).as("%s must not be usable", json).isFalse();
        return parsed.deadLetter;
    }

    @Test
    void decodesTheContractExamples() {
        assertThat(decode(new EventFormat(), "c-17",
                "{\"eventId\":\"e-1\",\"type\":\"VIEW\",\"customerId\":\"c-17\",\"productId\":\"p-42\",\"ts\":1764238500123}"))
                .isEqualTo(new Event("e-1", EventType.VIEW, "c-17", "p-42", 1, null, null, 1764238500123L));
        assertThat(decode(new EventFormat(), "c-17",
                "{\"eventId\":\"e-2\",\"type\":\"ADD_TO_CART\",\"customerId\":\"c-17\",\"productId\":\"p-42\",\"quantity\":2,\"ts\":\"2025-11-27T10:15:00.123Z\"}"))
                .isEqualTo(new Event("e-2", EventType.ADD_TO_CART, "c-17", "p-42", 2, null, null, 1764238500123L));
        assertThat(decode(new EventFormat(), "c-17",
                "{\"eventId\":\"e-3\",\"type\":\"ORDER\",\"customerId\":\"c-17\",\"productId\":\"p-42\",\"quantity\":2,\"orderId\":\"o-981\",\"amountCents\":3998,\"ts\":1764238512000,\"coupon\":\"X\"}"))
                .isEqualTo(new Event("e-3", EventType.ORDER, "c-17", "p-42", 2, "o-981", 3998L, 1764238512000L));
        assertThat(decode(new PaymentFormat(), "o-981",
                "{\"paymentId\":\"pay-1\",\"orderId\":\"o-981\",\"amountCents\":3998,\"status\":\"CAPTURED\",\"ts\":1764238530000}"))
                .isEqualTo(new Payment("pay-1", "o-981", 3998, PaymentStatus.CAPTURED, 1764238530000L));
        assertThat(decode(new ProductFormat(), "p-42",
                "{\"productId\":\"p-42\",\"name\":\"Dune\",\"category\":\"books\",\"priceCents\":1999}"))
                .isEqualTo(new ProductUpdate("p-42", new Product("p-42", "Dune", "books", 1999)));
        assertThat(decode(new CustomerFormat(), "c-17", "{\"customerId\":\"c-17\",\"country\":\"DE\",\"segment\":\"gold\"}"))
                .isEqualTo(new CustomerUpdate("c-17", new Customer("c-17", "DE", "gold")));
    }

    @Test
    void isoTimestampWithOffsetIsNormalisedToUtcMillis() {
        Event e = decode(new EventFormat(), "c-1",
                "{\"eventId\":\"e\",\"type\":\"VIEW\",\"customerId\":\"c-1\",\"productId\":\"p\",\"ts\":\"2025-11-27T11:15:00.123+01:00\"}");
        assertThat(e.ts()).isEqualTo(1764238500123L);
    }

    @Test
    void ordersFieldsAreDroppedFromNonOrders() {
        Event e = decode(new EventFormat(), "c-1",
                "{\"eventId\":\"e\",\"type\":\"VIEW\",\"customerId\":\"c-1\",\"productId\":\"p\",\"ts\":1764238500123,\"orderId\":\"o\",\"amountCents\":5}");
        assertThat(e.orderId()).isNull();
        assertThat(e.amountCents()).isNull();
    }

    @Test
    void nullValueOnAReferenceTopicIsATombstone() {
        assertThat(decode(new ProductFormat(), "p-42", null)).isEqualTo(new ProductUpdate("p-42", null));
        assertThat(decode(new CustomerFormat(), "c-17", null)).isEqualTo(new CustomerUpdate("c-17", null));
    }

    @Test
    void aLeadingByteOrderMarkIsIgnored() {
        String event = "{\"eventId\":\"e-1\",\"type\":\"VIEW\",\"customerId\":\"c-17\",\"productId\":\"p-42\",\"ts\":1764238500123}";
        assertThat(decode(new EventFormat(), "c-17", "\ufeff" + event)).isEqualTo(decode(new EventFormat(), "c-17", event));
        assertThat(decode(new CustomerFormat(), "c-17", "\ufeff {\"customerId\":\"c-17\",\"country\":\"DE\",\"segment\":\"gold\"}"))
                .isEqualTo(new CustomerUpdate("c-17", new Customer("c-17", "DE", "gold")));

        DeadLetter blank = deadLetter(new EventFormat(), "c-17", "\ufeff \n");
        assertThat(blank.reason()).isEqualTo(DeadLetterReason.EMPTY);
        assertThat(blank.rawValue()).isEqualTo("\ufeff \n");
        // Columns are counted as without the mark; the dead letter keeps the value as it came.
        DeadLetter broken = deadLetter(new EventFormat(), "c-17", "\ufeff{\"eventId\":}");
        assertThat(broken.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(broken.detail()).isEqualTo(deadLetter(new EventFormat(), "c-17", "{\"eventId\":}").detail());
        assertThat(broken.rawValue()).isEqualTo("\ufeff{\"eventId\":}");
        // Only one mark is ignored: a second one is a character before the JSON.
        assertThat(deadLetter(new EventFormat(), "c-17", "\ufeff\ufeff" + event).reason())
                .isEqualTo(DeadLetterReason.MALFORMED_JSON);
    }

    @Test
    void referenceRecordsAreKeyedByTheirId() {
        String product = "{\"productId\":\"p-42\",\"name\":\"Dune\",\"category\":\"books\",\"priceCents\":1999}";
        DeadLetter otherKey = deadLetter(new ProductFormat(), "p-43", product);
        assertThat(otherKey.reason()).isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(otherKey.detail()).isEqualTo("key 'p-43' differs from productId 'p-42'");
        assertThat(otherKey.key()).isEqualTo("p-43");
        assertThat(deadLetter(new ProductFormat(), null, product).detail()).isEqualTo("key null differs from productId 'p-42'");

        String customer = "{\"customerId\":\"c-17\",\"country\":\"DE\",\"segment\":\"gold\"}";
        DeadLetter otherCustomer = deadLetter(new CustomerFormat(), "c-18", customer);
        assertThat(otherCustomer.reason()).isEqualTo(DeadLetterReason.INVALID_VALUE);
        assertThat(otherCustomer.detail()).isEqualTo("key 'c-18' differs from customerId 'c-17'");
        assertThat(deadLetter(new CustomerFormat(), null, customer).reason()).isEqualTo(DeadLetterReason.INVALID_VALUE);

        // The record's own defects come first; a keyless tombstone is still no tombstone.
        assertThat(deadLetter(new ProductFormat(), "p-43", product.replace("1999", "-1")).detail())
                .isEqualTo("field 'priceCents' is -1, must lie in [0, 1000000000000]");
        assertThat(deadLetter(new ProductFormat(), null, null).reason()).isEqualTo(DeadLetterReason.EMPTY);
        // Events and payments are keyed for partitioning only.
        assertThat(decode(new PaymentFormat(), null,
                "{\"paymentId\":\"pay-1\",\"orderId\":\"o-981\",\"amountCents\":3998,\"status\":\"CAPTURED\",\"ts\":1764238530000}"))
                .isEqualTo(new Payment("pay-1", "o-981", 3998, PaymentStatus.CAPTURED, 1764238530000L));
    }

    @Test
    void enrichedEventsRoundTripThroughTheOutputFormat() {
        EnrichedEvent out = EnrichedEvent.of(
                new Event("e-3", EventType.ORDER, "c-17", "p-42", 2, "o-981", 3998L, 1764238512000L),
                new Product("p-42", "Dune", "books", 1999),
                null);
        String json = Json.writeString(out);
        assertThat(json).isEqualTo(
                "{\"eventId\":\"e-3\",\"type\":\"ORDER\",\"customerId\":\"c-17\",\"productId\":\"p-42\",\"quantity\":2,"
                        + "\"orderId\":\"o-981\",\"amountCents\":3998,\"ts\":1764238512000,\"category\":\"books\","
                        + "\"productName\":\"Dune\",\"unitPriceCents\":1999,\"country\":null,\"segment\":null,"
                        + "\"enrichment\":\"MISSING_CUSTOMER\"}");
        assertThat(decode(new EnrichedEventFormat(), "c-17", json)).isEqualTo(out);
    }
}
