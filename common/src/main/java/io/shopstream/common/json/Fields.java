package io.shopstream.common.json;

import static io.shopstream.common.model.DeadLetterReason.INVALID_VALUE;
import static io.shopstream.common.model.DeadLetterReason.MISSING_FIELD;
import static io.shopstream.common.model.DeadLetterReason.UNKNOWN_TYPE;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Strict readers for the contract's field rules; each failure names the field. */
public final class Fields {

    /** Longest id the contract accepts. */
    public static final int MAX_ID_LENGTH = 128;

    /** Event times must lie in [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z). */
    public static final long MIN_TS = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

    public static final long MAX_TS_EXCLUSIVE = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

    private Fields() {}

    /** Null, absent, empty or whitespace-only all count as missing. */
    public static boolean isMissing(JsonNode node) {
        return node == null
                || node.isNull()
                || node.isMissingNode()
                || (node.isTextual() && node.textValue().isBlank());
    }

    public static String requiredString(JsonNode object, String field) throws InvalidRecordException {
        JsonNode node = object.get(field);
        if (isMissing(node)) {
            throw new InvalidRecordException(MISSING_FIELD, "missing field '" + field + "'");
        }
        if (!node.isTextual()) {
            throw new InvalidRecordException(
                    INVALID_VALUE, "field '" + field + "' must be a string, got " + describe(node));
        }
        return node.textValue();
    }

    /** A required string of at most {@link #MAX_ID_LENGTH} characters. */
    public static String requiredId(JsonNode object, String field) throws InvalidRecordException {
        String value = requiredString(object, field);
        if (value.length() > MAX_ID_LENGTH) {
            throw new InvalidRecordException(
                    INVALID_VALUE,
                    "field '" + field + "' is " + value.length() + " characters long, at most "
                            + MAX_ID_LENGTH + " allowed");
        }
        return value;
    }

    /** A required integer in [min, max]. */
    public static long requiredLong(JsonNode object, String field, long min, long max)
            throws InvalidRecordException {
        JsonNode node = object.get(field);
        if (isMissing(node)) {
            throw new InvalidRecordException(MISSING_FIELD, "missing field '" + field + "'");
        }
        return checkLong(node, field, min, max);
    }

    /** An optional integer in [min, max]; missing gives {@code defaultValue}. */
    public static long optionalLong(JsonNode object, String field, long min, long max, long defaultValue)
            throws InvalidRecordException {
        JsonNode node = object.get(field);
        if (isMissing(node)) {
            return defaultValue;
        }
        return checkLong(node, field, min, max);
    }

    private static long checkLong(JsonNode node, String field, long min, long max)
            throws InvalidRecordException {
        if (!node.isIntegralNumber()) {
            throw new InvalidRecordException(
                    INVALID_VALUE, "field '" + field + "' must be an integer, got " + describe(node));
        }
        if (!node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw new InvalidRecordException(
                    INVALID_VALUE,
                    "field '" + field + "' is " + node.asText() + ", must lie in [" + min + ", " + max + "]");
        }
        return node.longValue();
    }

    /** An enum constant, case-sensitive; an unknown name is {@code UNKNOWN_TYPE}. */
    public static <E extends Enum<E>> E requiredEnum(JsonNode object, String field, Class<E> type)
            throws InvalidRecordException {
        String name = requiredString(object, field);
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException(
                    UNKNOWN_TYPE, "unknown " + field + " '" + abbreviate(name) + "'");
        }
    }

    /**
     * An event time: epoch millis as an integer, or an ISO-8601 instant string; either way inside
     * the contract's range.
     */
    public static long requiredTimestamp(JsonNode object, String field) throws InvalidRecordException {
        JsonNode node = object.get(field);
        if (isMissing(node)) {
            throw new InvalidRecordException(MISSING_FIELD, "missing field '" + field + "'");
        }
        long millis;
        if (node.isTextual()) {
            try {
                millis = Instant.parse(node.textValue().trim()).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new InvalidRecordException(
                        INVALID_VALUE,
                        "field '" + field + "' is not an ISO-8601 instant: '" + abbreviate(node.textValue()) + "'");
            }
        } else if (node.isIntegralNumber() && node.canConvertToLong()) {
            millis = node.longValue();
        } else {
            throw new InvalidRecordException(
                    INVALID_VALUE,
                    "field '" + field + "' must be epoch millis or an ISO-8601 instant, got " + describe(node));
        }
        if (millis < MIN_TS || millis >= MAX_TS_EXCLUSIVE) {
            throw new InvalidRecordException(
                    INVALID_VALUE,
                    "field '" + field + "' is " + millis + ", outside [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z)");
        }
        return millis;
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase() + " " + abbreviate(node.toString());
    }

    static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }
}
