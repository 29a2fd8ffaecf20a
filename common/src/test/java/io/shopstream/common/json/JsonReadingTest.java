package io.shopstream.common.json;

import static io.shopstream.common.model.DeadLetterReason.INVALID_VALUE;
import static io.shopstream.common.model.DeadLetterReason.MALFORMED_JSON;
import static io.shopstream.common.model.DeadLetterReason.MISSING_FIELD;
import static io.shopstream.common.model.DeadLetterReason.NOT_UTF8;
import static io.shopstream.common.model.DeadLetterReason.UNKNOWN_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.DeadLetterReason;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.EventType;
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
                .isEqualTo("field 'amountCents' is 99999999999999999999999, must lie in [0, 9223372036854775807]");
        assertThat(decode(order.formatted("9223372036854775807")).value.amountCents()).isEqualTo(Long.MAX_VALUE);
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
