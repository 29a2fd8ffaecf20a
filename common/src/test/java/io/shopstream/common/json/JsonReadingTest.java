package io.shopstream.common.json;

import static io.shopstream.common.model.DeadLetterReason.INVALID_VALUE;
import static io.shopstream.common.model.DeadLetterReason.MALFORMED_JSON;
import static io.shopstream.common.model.DeadLetterReason.MISSING_FIELD;
import static io.shopstream.common.model.DeadLetterReason.NOT_UTF8;
import static io.shopstream.common.model.DeadLetterReason.UNKNOWN_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.DeadLetterReason;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.Product;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * How the decoder reads the JSON of a record: straight from the bytes, skipping what the format
 * does not read, checking the whole object before any field rule, in the format's order of rules.
 */
class JsonReadingTest {

    private static final String GOOD_EVENT =
            "{\"eventId\":\"e-1\",\"type\":\"VIEW\",\"customerId\":\"c-17\",\"productId\":\"p-42\",\"ts\":1764238500123}";

    private static final Event GOOD = new Event("e-1", EventType.VIEW, "c-17", "p-42", 1, null, null, 1764238500123L);

    /** Every numeric field of every input format, each with %s for its value. */
    private static final String ORDER =
            GOOD_EVENT.replace("VIEW", "ORDER").replace("}", ",\"orderId\":\"o-1\",\"amountCents\":%s}");
    private static final String PAYMENT =
            "{\"paymentId\":\"pay-1\",\"orderId\":\"o-1\",\"amountCents\":%s,\"status\":\"CAPTURED\",\"ts\":1764238530000}";
    private static final String PRODUCT = "{\"productId\":\"p-1\",\"name\":\"Dune\",\"category\":\"books\",\"priceCents\":%s}";
    private static final String ENRICHED = Json.writeString(
                    EnrichedEvent.of(GOOD, new Product("p-42", "Dune", "books", 1999), null))
            .replace("1999", "%s");

    private static Parsed<Event> decode(byte[] value) {
        return new InputDecoder<>(new EventFormat(), "enrich", 65_536).decode("shop.events", 0, 0, null, value);
    }

    private static Parsed<Event> decode(String json) {
        return decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static DeadLetter deadLetter(String json, DeadLetterReason reason) {
        return deadLetter(json.getBytes(StandardCharsets.UTF_8), reason);
    }

    private static DeadLetter deadLetter(byte[] value, DeadLetterReason reason) {
        Parsed<Event> parsed = decode(value);
        assertThat(parsed.isOk()).as("%s must not be usable", parsed).isFalse();
        assertThat(parsed.deadLetter.reason()).as(parsed.deadLetter.detail()).isEqualTo(reason);
        return parsed.deadLetter;
    }

    private static <T> Parsed<T> decode(RecordFormat<T> format, String key, String json) {
        return new InputDecoder<>(format, "enrich", 65_536)
                .decode("t", 0, 0, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    private static DeadLetter deadLetter(RecordFormat<?> format, String key, String json, DeadLetterReason reason) {
        Parsed<?> parsed = decode(format, key, json);
        assertThat(parsed.isOk()).as("%s must not be usable", parsed).isFalse();
        assertThat(parsed.deadLetter.reason()).as(parsed.deadLetter.detail()).isEqualTo(reason);
        return parsed.deadLetter;
    }

    private static String withField(String field) {
        return GOOD_EVENT.replace("}", "," + field + "}");
    }

    @Test
    void unknownFieldsAreSkippedWhateverTheyHold() {
        String unknown = "\"before\":{\"a\":[1,{\"b\":null},\"x\\\"y\\u00fc\"],\"c\":{}},\"n\":1E400,"
                + "\"big\":123456789012345678901234567890,\"ok\":true,\"list\":[[],[[]]],";
        assertThat(decode(GOOD_EVENT.replace("{", "{" + unknown)).value).isEqualTo(GOOD);
        assertThat(decode(withField("\"after\":[{\"eventId\":\"nested, not read\"}]")).value).isEqualTo(GOOD);
    }

    @Test
    void aSkippedValueIsStillCheckedAsJson() {
        assertThat(deadLetter(withField("\"x\":{\"a\":1,\"a\":2}"), MALFORMED_JSON).detail())
                .startsWith("Duplicate field 'a'");
        deadLetter(withField("\"x\":[1,tru]"), MALFORMED_JSON);
        deadLetter(withField("\"x\":\"a\u0001b\""), MALFORMED_JSON);
        deadLetter(withField("\"x\":" + "9".repeat(1001)), MALFORMED_JSON);
    }

    @Test
    void theFirstBrokenRuleInTheFormatsOrderWinsWhateverTheFieldOrder() {
        String allBad = "{\"quantity\":0,\"ts\":\"yesterday\",\"productId\":\"\",\"type\":\"REFUND\",\"eventId\":5}";
        assertThat(deadLetter(allBad, INVALID_VALUE).detail()).isEqualTo("field 'eventId' must be a string, got number 5");
        String eventIdFixed = allBad.replace("5}", "\"e-1\"}");
        assertThat(deadLetter(eventIdFixed, UNKNOWN_TYPE).detail()).isEqualTo("unknown type 'REFUND'");
        assertThat(deadLetter(eventIdFixed.replace("REFUND", "VIEW"), MISSING_FIELD).detail())
                .isEqualTo("missing field 'customerId'");
    }

    @Test
    void theWholeObjectIsCheckedAsJsonBeforeAnyFieldRule() {
        deadLetter("{\"eventId\":5,\"type\":\"REFUND\",\"ts\":}", MALFORMED_JSON);
        deadLetter("{\"eventId\":5} {}", MALFORMED_JSON);
    }

    @Test
    void trailingContentAndValuesOtherThanAnObjectAreMalformed() {
        assertThat(deadLetter(GOOD_EVENT + " {}", MALFORMED_JSON).detail())
                .isEqualTo("Trailing token (of type START_OBJECT) found after the JSON value at line 1 column 91");
        assertThat(deadLetter("[1,2,3]", MALFORMED_JSON).detail()).isEqualTo("expected a JSON object, got array");
        assertThat(deadLetter(" 12 ", MALFORMED_JSON).detail()).isEqualTo("expected a JSON object, got number");
        assertThat(deadLetter("null", MALFORMED_JSON).detail()).isEqualTo("expected a JSON object, got null");
        assertThat(deadLetter("[{\"a\":}]", MALFORMED_JSON).detail()).startsWith("Unexpected character ('}' (code 125))");
    }

    @Test
    void syntaxErrorsCountColumnsInCharactersNotBytes() {
        assertThat(deadLetter("{\"eventId\":\"\u00fc\u00fc\u00fc\u00fc\",  x}", MALFORMED_JSON).detail())
                .isEqualTo("Unexpected character ('x' (code 120)): was expecting double-quote to start field name"
                        + " at line 1 column 21");
    }

    @Test
    void invalidUtf8IsFoundBeforeBrokenJsonAndInsideSkippedValues() {
        byte[] truncatedAndInvalid = {'{', '"', 'e', '"', ':', (byte) 0xC3, (byte) 0x28};
        deadLetter(truncatedAndInvalid, NOT_UTF8);
        deadLetter(concat(withField("\"x\":\"").replace("}", ""), new byte[] {(byte) 0xFF}, "\"}"), NOT_UTF8);
        // An overlong '/' and an encoded surrogate, both of which a lenient decoder lets through.
        deadLetter(concat(GOOD_EVENT.replace("e-1", "e-"), new byte[] {(byte) 0xC0, (byte) 0xAF}, ""), NOT_UTF8);
        deadLetter(concat(GOOD_EVENT.replace("e-1", "e-"), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, ""),
                NOT_UTF8);
    }

    @Test
    void utf16IsMalformedNotReadAsAnotherEncoding() {
        deadLetter(GOOD_EVENT.getBytes(StandardCharsets.UTF_16BE), MALFORMED_JSON);
        deadLetter(GOOD_EVENT.getBytes(StandardCharsets.UTF_16LE), MALFORMED_JSON);
    }

    @Test
    void numbersKeepTheirTypeAndWrongTypesAreShownAsJson() {
        assertThat(deadLetter(withField("\"quantity\":2.0"), INVALID_VALUE).detail())
                .isEqualTo("field 'quantity' must be an integer, got number 2.0");
        assertThat(deadLetter(GOOD_EVENT.replace("1764238500123", "1.7642385E12"), INVALID_VALUE).detail())
                .isEqualTo("field 'ts' must be epoch millis or an ISO-8601 instant, got number 1.7642385E12");
        assertThat(deadLetter(GOOD_EVENT.replace("1764238500123", "{\"a\":[1,2.50]}"), INVALID_VALUE).detail())
                .isEqualTo("field 'ts' must be epoch millis or an ISO-8601 instant, got object {\"a\":[1,2.5]}");
        assertThat(deadLetter(GOOD_EVENT.replace("\"c-17\"", "true"), INVALID_VALUE).detail())
                .isEqualTo("field 'customerId' must be a string, got boolean true");
        assertThat(deadLetter(withField("\"quantity\":\"2\""), INVALID_VALUE).detail())
                .isEqualTo("field 'quantity' must be an integer, got string \"2\"");
        String order = GOOD_EVENT.replace("VIEW", "ORDER").replace("}", ",\"orderId\":\"o-1\",\"amountCents\":%s}");
        assertThat(deadLetter(order.formatted("99999999999999999999999"), INVALID_VALUE).detail())
                .isEqualTo("field 'amountCents' is 99999999999999999999999, must lie in [0, 1000000000000]");
        assertThat(decode(order.formatted("1000000000000")).value.amountCents()).isEqualTo(Fields.MAX_CENTS);
    }

    @Test
    void aStringIsNoNumberNotEvenAnEmptyOne() {
        assertThat(deadLetter(withField("\"quantity\":\"\""), INVALID_VALUE).detail())
                .isEqualTo("field 'quantity' must be an integer, got string \"\"");
        deadLetter(withField("\"quantity\":\" \""), INVALID_VALUE);
        deadLetter(ORDER.formatted("\"\""), INVALID_VALUE);
        deadLetter(new PaymentFormat(), "o-1", PAYMENT.formatted("\"\""), INVALID_VALUE);
        deadLetter(new ProductFormat(), "p-1", PRODUCT.formatted("\"  \""), INVALID_VALUE);
        deadLetter(new EnrichedEventFormat(), "c-17", ENRICHED.formatted("\"\""), INVALID_VALUE);
        // Only absent or null is a missing number.
        assertThat(decode(withField("\"quantity\":null")).value).isEqualTo(GOOD);
        deadLetter(ORDER.formatted("null"), MISSING_FIELD);
        deadLetter(new PaymentFormat(), "o-1", PAYMENT.formatted("null"), MISSING_FIELD);
        deadLetter(new ProductFormat(), "p-1", PRODUCT.formatted("null"), MISSING_FIELD);
        assertThat(decode(new EnrichedEventFormat(), "c-17", ENRICHED.formatted("null")).value.unitPriceCents()).isNull();
    }

    @Test
    void moneyIsAtMostATrillionCents() {
        assertThat(decode(ORDER.formatted("1000000000000")).value.amountCents()).isEqualTo(Fields.MAX_CENTS);
        assertThat(decode(new PaymentFormat(), "o-1", PAYMENT.formatted("1000000000000")).value.amountCents())
                .isEqualTo(Fields.MAX_CENTS);
        assertThat(decode(new ProductFormat(), "p-1", PRODUCT.formatted("1000000000000")).value.product().priceCents())
                .isEqualTo(Fields.MAX_CENTS);
        assertThat(decode(new EnrichedEventFormat(), "c-17", ENRICHED.formatted("1000000000000")).value.unitPriceCents())
                .isEqualTo(Fields.MAX_CENTS);

        assertThat(deadLetter(ORDER.formatted("1000000000001"), INVALID_VALUE).detail())
                .isEqualTo("field 'amountCents' is 1000000000001, must lie in [0, 1000000000000]");
        deadLetter(new PaymentFormat(), "o-1", PAYMENT.formatted("1000000000001"), INVALID_VALUE);
        deadLetter(new ProductFormat(), "p-1", PRODUCT.formatted("9223372036854775807"), INVALID_VALUE);
        deadLetter(new EnrichedEventFormat(), "c-17", ENRICHED.formatted("1000000000001"), INVALID_VALUE);
    }

    @Test
    void textIsUnicodeWhereverItIsRead() {
        assertThat(deadLetter(GOOD_EVENT.replace("p-42", "p-\\ud800x"), INVALID_VALUE).detail())
                .isEqualTo("field 'productId' holds a lone surrogate (U+D800) at index 2");
        deadLetter(GOOD_EVENT.replace("p-42", "\\udc00p"), INVALID_VALUE);
        deadLetter(GOOD_EVENT.replace("p-42", "p\\ud800\\ud800"), INVALID_VALUE);
        deadLetter(GOOD_EVENT.replace("p-42", "p\\ud83d"), INVALID_VALUE);
        assertThat(deadLetter(new ProductFormat(), "p-1", PRODUCT.formatted("1").replace("Dune", "Du\\udfffne"),
                INVALID_VALUE).detail()).isEqualTo("field 'name' holds a lone surrogate (U+DFFF) at index 2");
        // Not an unknown type: the text itself is broken.
        deadLetter(GOOD_EVENT.replace("VIEW", "VIEW\\ud800"), INVALID_VALUE);

        // A pair is one character, escaped or not; a field the format does not read is not looked at.
        assertThat(decode(GOOD_EVENT.replace("p-42", "p-\\ud83d\\ude00")).value.productId()).isEqualTo("p-\ud83d\ude00");
        assertThat(decode(GOOD_EVENT.replace("p-42", "p-\ud83d\ude00")).value.productId()).isEqualTo("p-\ud83d\ude00");
        assertThat(decode(withField("\"note\":\"\\ud800\"")).value).isEqualTo(GOOD);
    }

    @Test
    void idsHoldNoControlCharacters() {
        assertThat(deadLetter(GOOD_EVENT.replace("e-1", "e-\\u0007"), INVALID_VALUE).detail())
                .isEqualTo("field 'eventId' holds a control character (U+0007) at index 2");
        deadLetter(GOOD_EVENT.replace("c-17", "\\u0000c-17"), INVALID_VALUE);
        deadLetter(GOOD_EVENT.replace("p-42", "p-42\\n"), INVALID_VALUE);
        deadLetter(ORDER.formatted("1").replace("o-1", "o-\\u001f1"), INVALID_VALUE);
        deadLetter(new PaymentFormat(), "o-1", PAYMENT.formatted("1").replace("pay-1", "pay-1\\t"), INVALID_VALUE);
        deadLetter(new ProductFormat(), "p-1\u007F", PRODUCT.formatted("1").replace("p-1", "p-1\u007F"), INVALID_VALUE);
        // DEL needs no escape in JSON; it is refused all the same.
        assertThat(deadLetter(GOOD_EVENT.replace("e-1", "e-\u007F"), INVALID_VALUE).detail())
                .isEqualTo("field 'eventId' holds a control character (U+007F) at index 2");
        // Other text may hold them.
        assertThat(decode(new ProductFormat(), "p-1", PRODUCT.formatted("1").replace("Dune", "Dune\\tI")).value
                .product().name()).isEqualTo("Dune\tI");
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
