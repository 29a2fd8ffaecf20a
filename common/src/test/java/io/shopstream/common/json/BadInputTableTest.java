package io.shopstream.common.json;

import static io.shopstream.common.model.DeadLetterReason.EMPTY;
import static io.shopstream.common.model.DeadLetterReason.INVALID_VALUE;
import static io.shopstream.common.model.DeadLetterReason.MALFORMED_JSON;
import static io.shopstream.common.model.DeadLetterReason.MISSING_FIELD;
import static io.shopstream.common.model.DeadLetterReason.NOT_UTF8;
import static io.shopstream.common.model.DeadLetterReason.TOO_LARGE;
import static io.shopstream.common.model.DeadLetterReason.UNKNOWN_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad input ends as a dead letter with the contract's reason, never an exception. */
class BadInputTableTest {

    private static final String GOOD_EVENT =
            "{\"eventId\":\"e-1\",\"type\":\"VIEW\",\"customerId\":\"c-17\",\"productId\":\"p-42\",\"ts\":1764238500123}";

    static Stream<Arguments> badRecords() {
        RecordFormat<?> event = new EventFormat();
        RecordFormat<?> payment = new PaymentFormat();
        RecordFormat<?> product = new ProductFormat();
        RecordFormat<?> customer = new CustomerFormat();
        String big = "{\"eventId\":\"" + "x".repeat(70_000) + "\"}";
        return Stream.of(
                Arguments.of("truncated JSON", event, utf8("{\"eventId\":"), MALFORMED_JSON),
                Arguments.of("not JSON at all", event, utf8("hello world"), MALFORMED_JSON),
                Arguments.of("JSON array, not an object", event, utf8("[1,2,3]"), MALFORMED_JSON),
                Arguments.of("JSON string, not an object", event, utf8("\"VIEW\""), MALFORMED_JSON),
                Arguments.of("trailing garbage", event, utf8(GOOD_EVENT + " {}"), MALFORMED_JSON),
                Arguments.of("duplicate field", event, utf8(GOOD_EVENT.replace("}", ",\"ts\":1}")), MALFORMED_JSON),
                Arguments.of("empty value", event, new byte[0], EMPTY),
                Arguments.of("null value (tombstone) on the event topic", event, null, EMPTY),
                Arguments.of("whitespace-only value", event, utf8("   \n"), EMPTY),
                Arguments.of("not UTF-8", event, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, NOT_UTF8),
                Arguments.of("oversized", event, utf8(big), TOO_LARGE),
                Arguments.of("missing eventId", event, utf8(GOOD_EVENT.replace("\"eventId\":\"e-1\",", "")), MISSING_FIELD),
                Arguments.of("null customerId", event, utf8(GOOD_EVENT.replace("\"c-17\"", "null")), MISSING_FIELD),
                Arguments.of("blank productId", event, utf8(GOOD_EVENT.replace("\"p-42\"", "\"  \"")), MISSING_FIELD),
                Arguments.of("missing ts", event, utf8(GOOD_EVENT.replace(",\"ts\":1764238500123", "")), MISSING_FIELD),
                Arguments.of("number where a string is required", event, utf8(GOOD_EVENT.replace("\"c-17\"", "17")), INVALID_VALUE),
                Arguments.of("string where a number is required", event,
                        utf8(GOOD_EVENT.replace("}", ",\"quantity\":\"2\"}")), INVALID_VALUE),
                // A string is no number, so the empty one is not a missing optional field either.
                Arguments.of("empty string where a number is required", event,
                        utf8(GOOD_EVENT.replace("}", ",\"quantity\":\"\"}")), INVALID_VALUE),
                Arguments.of("fractional quantity", event, utf8(GOOD_EVENT.replace("}", ",\"quantity\":2.5}")), INVALID_VALUE),
                Arguments.of("quantity out of range", event, utf8(GOOD_EVENT.replace("}", ",\"quantity\":10001}")), INVALID_VALUE),
                Arguments.of("zero quantity", event, utf8(GOOD_EVENT.replace("}", ",\"quantity\":0}")), INVALID_VALUE),
                Arguments.of("ts before 2000", event, utf8(GOOD_EVENT.replace("1764238500123", "946684799999")), INVALID_VALUE),
                Arguments.of("ts from 2100 on", event, utf8(GOOD_EVENT.replace("1764238500123", "4102444800000")), INVALID_VALUE),
                Arguments.of("ts not an instant", event, utf8(GOOD_EVENT.replace("1764238500123", "\"yesterday\"")), INVALID_VALUE),
                Arguments.of("ts as a float", event, utf8(GOOD_EVENT.replace("1764238500123", "1.7642385E12")), INVALID_VALUE),
                Arguments.of("id longer than 128 chars", event, utf8(GOOD_EVENT.replace("e-1", "e".repeat(129))), INVALID_VALUE),
                // Text must be Unicode: a high surrogate with no low one after it.
                Arguments.of("lone surrogate in a text field", event, utf8(GOOD_EVENT.replace("p-42", "p-\\ud800")),
                        INVALID_VALUE),
                // Valid JSON, but no id may hold a control character (here BEL).
                Arguments.of("control character in an id", event, utf8(GOOD_EVENT.replace("e-1", "e-\\u0007")),
                        INVALID_VALUE),
                Arguments.of("unknown type", event, utf8(GOOD_EVENT.replace("VIEW", "REFUND")), UNKNOWN_TYPE),
                Arguments.of("type in lower case", event, utf8(GOOD_EVENT.replace("VIEW", "view")), UNKNOWN_TYPE),
                Arguments.of("type as a number", event, utf8(GOOD_EVENT.replace("\"VIEW\"", "3")), INVALID_VALUE),
                Arguments.of("ORDER without orderId", event,
                        utf8(GOOD_EVENT.replace("VIEW", "ORDER").replace("}", ",\"amountCents\":100}")), MISSING_FIELD),
                Arguments.of("ORDER with negative amount", event,
                        utf8(GOOD_EVENT.replace("VIEW", "ORDER").replace("}", ",\"orderId\":\"o-1\",\"amountCents\":-1}")),
                        INVALID_VALUE),
                Arguments.of("amount beyond 64 bits", event,
                        utf8(GOOD_EVENT.replace("VIEW", "ORDER")
                                .replace("}", ",\"orderId\":\"o-1\",\"amountCents\":99999999999999999999999}")),
                        INVALID_VALUE),
                // Money is at most 10^12 cents, so no window's or session's sum can overflow.
                Arguments.of("payment amount over 10^12 cents", payment,
                        utf8("{\"paymentId\":\"pay-1\",\"orderId\":\"o-1\",\"amountCents\":1000000000001,\"status\":\"CAPTURED\",\"ts\":1764238530000}"),
                        INVALID_VALUE),
                Arguments.of("payment with unknown status", payment,
                        utf8("{\"paymentId\":\"pay-1\",\"orderId\":\"o-1\",\"amountCents\":1,\"status\":\"REFUNDED\",\"ts\":1764238530000}"),
                        UNKNOWN_TYPE),
                Arguments.of("payment without amount", payment,
                        utf8("{\"paymentId\":\"pay-1\",\"orderId\":\"o-1\",\"status\":\"CAPTURED\",\"ts\":1764238530000}"),
                        MISSING_FIELD),
                Arguments.of("payment tombstone", payment, null, EMPTY),
                Arguments.of("product with negative price", product,
                        utf8("{\"productId\":\"p-1\",\"name\":\"Dune\",\"category\":\"books\",\"priceCents\":-5}"), INVALID_VALUE),
                Arguments.of("product without category", product,
                        utf8("{\"productId\":\"p-1\",\"name\":\"Dune\",\"priceCents\":5}"), MISSING_FIELD),
                Arguments.of("product with empty value (not a tombstone)", product, new byte[0], EMPTY),
                // Decoded with the key "c-17": an update that a tombstone for p-1 would not delete.
                Arguments.of("product keyed by another id", product,
                        utf8("{\"productId\":\"p-1\",\"name\":\"Dune\",\"category\":\"books\",\"priceCents\":5}"), INVALID_VALUE),
                Arguments.of("customer with numeric country", customer,
                        utf8("{\"customerId\":\"c-1\",\"country\":49,\"segment\":\"gold\"}"), INVALID_VALUE),
                Arguments.of("customer as a JSON array", customer, utf8("[]"), MALFORMED_JSON));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRecords")
    void deadLettersWithTheContractsReason(String kind, RecordFormat<?> format, byte[] value, DeadLetterReason expected) {
        InputDecoder<?> decoder = new InputDecoder<>(format, "enrich", 65_536);

        Parsed<?> parsed = decoder.decode("shop.events", 3, 77L, utf8("c-17"), value);

        assertThat(parsed.isOk()).as("%s must not be usable", kind).isFalse();
        DeadLetter dl = parsed.deadLetter;
        assertThat(dl.reason()).as(kind).isEqualTo(expected);
        assertThat(dl.detail()).isNotBlank();
        assertThat(dl.sourceTopic()).isEqualTo("shop.events");
        assertThat(dl.partition()).isEqualTo(3);
        assertThat(dl.offset()).isEqualTo(77L);
        assertThat(dl.key()).isEqualTo("c-17");
        assertThat(dl.job()).isEqualTo("enrich");
        assertThat(dl.deadLetteredAt()).isPositive();
        switch (expected) {
            case TOO_LARGE -> {
                assertThat(dl.rawValue()).isNull();
                assertThat(dl.rawValueBase64()).isNull();
                assertThat(dl.detail()).contains(String.valueOf(value.length));
            }
            case NOT_UTF8 -> {
                assertThat(dl.rawValue()).isNull();
                assertThat(Base64.getDecoder().decode(dl.rawValueBase64())).isEqualTo(value);
            }
            default -> {
                assertThat(dl.rawValueBase64()).isNull();
                if (value != null) {
                    assertThat(dl.rawValue()).isEqualTo(new String(value, StandardCharsets.UTF_8));
                } else {
                    assertThat(dl.rawValue()).isNull();
                }
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
