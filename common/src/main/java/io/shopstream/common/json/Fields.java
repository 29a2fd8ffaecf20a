package io.shopstream.common.json;

import static io.shopstream.common.model.DeadLetterReason.INVALID_VALUE;
import static io.shopstream.common.model.DeadLetterReason.MISSING_FIELD;
import static io.shopstream.common.model.DeadLetterReason.UNKNOWN_TYPE;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of one input object that a format reads, and the contract's strict rules for reading
 * them; each failure names the field. The decoder collects the whole object first, so a format
 * checks its rules in its own order, whatever the order of the fields in the input.
 *
 * <p>Longer than most files on purpose: it is the contract's reading rules (ids, times, money,
 * enums, strictness of JSON types) in one place, next to each other, so that a rule and the
 * bad-input table row that checks it are found together and no format has rules of its own.
 */
public final class Fields {

    /** Longest id the contract accepts. */
    public static final int MAX_ID_LENGTH = 128;

    /** Event times must lie in [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z). */
    public static final long MIN_TS = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

    public static final long MAX_TS_EXCLUSIVE = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

    /** Largest amount of money the contract accepts, so that no sum in a window or session overflows. */
    public static final long MAX_CENTS = 1_000_000_000_000L;

    /** Reads the values that no rule accepts as a tree, which an error detail then shows as JSON. */
    private static final ObjectReader TREE =
            Json.MAPPER.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Names names;

    /** Per name: a String, a Long (an integer within 64 bits), any other JSON value as a tree, or null. */
    private final Object[] values;

    Fields(Names names) {
        this.names = names;
        this.values = new Object[names.size()];
    }

    /** The names of the fields a format reads; the decoder skips every other field of the input. */
    public static final class Names {

        private final List<String> names;
        private final Map<String, Integer> slots = new HashMap<>();

        private Names(List<String> names) {
            this.names = List.copyOf(names);
            for (int i = 0; i < this.names.size(); i++) {
                slots.put(this.names.get(i), i);
            }
        }

        public static Names of(String... names) {
            return new Names(List.of(names));
        }

        /** These names and some more, for a format that extends another. */
        public Names and(String... more) {
            List<String> all = new ArrayList<>(names);
            all.addAll(List.of(more));
            return new Names(all);
        }

        int size() {
            return names.size();
        }

        /** The slot of a field name, or -1 if the format does not read it. */
        int slot(String name) {
            Integer slot = slots.get(name);
            return slot == null ? -1 : slot;
        }
    }

    /**
     * Reads the members of the object the parser has just entered, up to its end: the fields this
     * format reads are kept, the values of all others are skipped (still checked as JSON).
     */
    void readObject(JsonParser parser) throws IOException {
        String name;
        while ((name = parser.nextFieldName()) != null) {
            JsonToken token = parser.nextToken();
            int slot = names.slot(name);
            if (slot < 0) {
                skipValue(parser);
            } else {
                values[slot] = valueOf(parser, token);
            }
        }
    }

    /**
     * Skips the value the parser is at, walking it as the tree reader does (object members by
     * {@code nextFieldName}), so that a syntax error inside it is worded as anywhere else.
     */
    static void skipValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            while (parser.nextFieldName() != null) {
                parser.nextToken();
                skipValue(parser);
            }
        } else if (token == JsonToken.START_ARRAY) {
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
                skipValue(parser);
            }
        }
    }

    private static Object valueOf(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return parser.getLongValue();
        }
        // Fractions, integers beyond 64 bits, booleans, objects and arrays: rare, and always invalid.
        return TREE.readTree(parser);
    }

    private Object get(String field) {
        int slot = names.slot(field);
        if (slot < 0) {
            throw new IllegalArgumentException("Field '" + field + "' is not among the format's names");
        }
        return values[slot];
    }

    /** Null, absent, empty or whitespace-only all count as missing. */
    public boolean isMissing(String field) {
        return isMissing(get(field));
    }

    private static boolean isMissing(Object value) {
        return value == null || (value instanceof String text && text.isBlank());
    }

    /** A required string of Unicode text (no lone surrogate). */
    public String requiredString(String field) throws InvalidRecordException {
        String text = presentString(field);
        checkText(field, text, false);
        return text;
    }

    /** A required string of at most {@link #MAX_ID_LENGTH} characters, none of them a control character. */
    public String requiredId(String field) throws InvalidRecordException {
        String value = presentString(field);
        if (value.length() > MAX_ID_LENGTH) {
            throw new InvalidRecordException(
                    INVALID_VALUE,
                    "field '" + field + "' is " + value.length() + " characters long, at most "
                            + MAX_ID_LENGTH + " allowed");
        }
        checkText(field, value, true);
        return value;
    }

    private String presentString(String field) throws InvalidRecordException {
        Object value = get(field);
        if (isMissing(value)) {
            throw new InvalidRecordException(MISSING_FIELD, "missing field '" + field + "'");
        }
        if (!(value instanceof String text)) {
            throw new InvalidRecordException(
                    INVALID_VALUE, "field '" + field + "' must be a string, got " + describe(value));
        }
        return text;
    }

    /**
     * Text must be Unicode: a surrogate without its pair (possible only through a JSON escape, as
     * the UTF-8 check rejects encoded ones) is invalid anywhere; an id also takes no control
     * character (U+0000-U+001F, U+007F), which could break the logs, keys and tools it ends up in.
     * One look at each character, and only printable ASCII in the common case.
     */
    private static void checkText(String field, String text, boolean isId) throws InvalidRecordException {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw badCharacter(field, "a lone surrogate", c, i);
            } else if (isId && (c < 0x20 || c == 0x7F)) {
                throw badCharacter(field, "a control character", c, i);
            }
        }
    }

    private static InvalidRecordException badCharacter(String field, String what, char c, int index) {
        return new InvalidRecordException(
                INVALID_VALUE,
                "field '" + field + "' holds " + what + " (U+" + String.format("%04X", (int) c) + ") at index "
                        + index);
    }

    /** A required integer in [min, max]; only absent or null is missing, any string is invalid. */
    public long requiredLong(String field, long min, long max) throws InvalidRecordException {
        Object value = get(field);
        if (value == null) {
            throw new InvalidRecordException(MISSING_FIELD, "missing field '" + field + "'");
        }
        return checkLong(value, field, min, max);
    }

    /**
     * An optional integer in [min, max]; absent or null gives {@code defaultValue}. A string, the
     * empty one included, is invalid: it is not a number, so it is no missing number either.
     */
    public long optionalLong(String field, long min, long max, long defaultValue) throws InvalidRecordException {
        Object value = get(field);
        if (value == null) {
            return defaultValue;
        }
        return checkLong(value, field, min, max);
    }

    /** A required amount of money in cents, in [0, {@link #MAX_CENTS}]. */
    public long requiredCents(String field) throws InvalidRecordException {
        return requiredLong(field, 0, MAX_CENTS);
    }

    /** An optional amount of money in cents, in [0, {@link #MAX_CENTS}]; absent or null gives null. */
    public Long optionalCents(String field) throws InvalidRecordException {
        Object value = get(field);
        return value == null ? null : checkLong(value, field, 0, MAX_CENTS);
    }

    private static long checkLong(Object value, String field, long min, long max) throws InvalidRecordException {
        if (value instanceof Long number) {
            if (number < min || number > max) {
                throw outOfRange(field, number.toString(), min, max);
            }
            return number;
        }
        JsonNode node = asNode(value);
        if (!node.isIntegralNumber()) {
            throw new InvalidRecordException(
                    INVALID_VALUE, "field '" + field + "' must be an integer, got " + describe(node));
        }
        if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw outOfRange(field, node.asText(), min, max);
        }
        return node.longValue();
    }

    private static InvalidRecordException outOfRange(String field, String value, long min, long max) {
        return new InvalidRecordException(
                INVALID_VALUE, "field '" + field + "' is " + value + ", must lie in [" + min + ", " + max + "]");
    }

    /** An enum constant, case-sensitive; an unknown name is {@code UNKNOWN_TYPE}. */
    public <E extends Enum<E>> E requiredEnum(String field, Class<E> type) throws InvalidRecordException {
        String name = presentString(field);
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            // A known name is plain ASCII, so the text is checked only once it is not one.
            checkText(field, name, false);
            throw new InvalidRecordException(
                    UNKNOWN_TYPE, "unknown " + field + " '" + abbreviate(name) + "'");
        }
    }

    /**
     * An event time: epoch millis as an integer, or an ISO-8601 instant string; either way inside
     * the contract's range.
     */
    public long requiredTimestamp(String field) throws InvalidRecordException {
        Object value = get(field);
        if (isMissing(value)) {
            throw new InvalidRecordException(MISSING_FIELD, "missing field '" + field + "'");
        }
        long millis;
        if (value instanceof String text) {
            try {
                millis = Instant.parse(text.trim()).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new InvalidRecordException(
                        INVALID_VALUE,
                        "field '" + field + "' is not an ISO-8601 instant: '" + abbreviate(text) + "'");
            }
        } else if (value instanceof Long number) {
            millis = number;
        } else {
            JsonNode node = asNode(value);
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                throw new InvalidRecordException(
                        INVALID_VALUE,
                        "field '" + field + "' must be epoch millis or an ISO-8601 instant, got " + describe(node));
            }
            millis = node.longValue();
        }
        if (millis < MIN_TS || millis >= MAX_TS_EXCLUSIVE) {
            throw new InvalidRecordException(
                    INVALID_VALUE,
                    "field '" + field + "' is " + millis + ", outside [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z)");
        }
        return millis;
    }

    /** The value as a JSON tree node, for the rare values that are not strings or 64-bit integers. */
    private static JsonNode asNode(Object value) {
        if (value instanceof String text) {
            return TextNode.valueOf(text);
        }
        if (value instanceof Long number) {
            return LongNode.valueOf(number);
        }
        return (JsonNode) value;
    }

    private static String describe(Object value) {
        JsonNode node = asNode(value);
        return node.getNodeType().name().toLowerCase() + " " + abbreviate(node.toString());
    }

    static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }
}
