package io.shopstream.common.json;

import static io.shopstream.common.model.DeadLetterReason.EMPTY;
import static io.shopstream.common.model.DeadLetterReason.MALFORMED_JSON;
import static io.shopstream.common.model.DeadLetterReason.NOT_UTF8;
import static io.shopstream.common.model.DeadLetterReason.TOO_LARGE;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.DeadLetterReason;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Turns the raw bytes of an input record into a {@link Parsed} value: a usable record, or a
 * {@link DeadLetter} with the contract's reason. It never throws for bad input, so a bad record
 * can neither fail a job nor vanish.
 *
 * <p>Checks run in the contract's order: size (the value is not read when too large), empty or
 * null (tombstone on reference topics), UTF-8, blank, JSON syntax, JSON object, the format's field
 * rules, then the Kafka key against the record (on reference topics: see
 * {@link RecordFormat#checkKey}). A leading UTF-8 byte order mark is skipped before the blank check
 * (RFC 8259 lets a parser ignore it); a dead letter still carries the value as it came. The JSON is
 * read as a stream of tokens straight from the bytes, with no tree and no String in between; only
 * the fields the format reads are kept, and the format checks them once the whole object has been
 * read.
 */
public final class InputDecoder<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final RecordFormat<T> format;
    private final String job;
    private final int maxRecordBytes;

    public InputDecoder(RecordFormat<T> format, String job, int maxRecordBytes) {
        this.format = format;
        this.job = job;
        this.maxRecordBytes = maxRecordBytes;
    }

    public Parsed<T> decode(String topic, int partition, long offset, byte[] key, byte[] value) {
        String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (value == null || value.length == 0) {
            T tombstone = value == null && keyText != null ? format.tombstone(keyText) : null;
            if (tombstone != null) {
                return Parsed.ok(tombstone);
            }
            String detail = value == null ? "null value" : "empty value";
            return fail(EMPTY, detail, topic, partition, offset, keyText, value == null ? null : "", null);
        }
        if (value.length > maxRecordBytes) {
            return fail(
                    TOO_LARGE,
                    "value is " + value.length + " bytes, at most " + maxRecordBytes + " allowed",
                    topic, partition, offset, keyText, null, null);
        }
        if (!Utf8.isWellFormed(value)) {
            return fail(
                    NOT_UTF8, "value is not valid UTF-8", topic, partition, offset, keyText, null,
                    Base64.getEncoder().encodeToString(value));
        }
        int start = Utf8.startsWithByteOrderMark(value, 0) ? Utf8.BYTE_ORDER_MARK_LENGTH : 0;
        if (isBlank(value, start)) {
            return fail(EMPTY, "blank value", topic, partition, offset, keyText, text(value), null);
        }
        try {
            T record = format.read(readObject(value, start));
            format.checkKey(keyText, record);
            return Parsed.ok(record);
        } catch (InvalidRecordException e) {
            return fail(e.reason(), e.getMessage(), topic, partition, offset, keyText, text(value), null);
        } catch (IOException e) {
            return fail(
                    MALFORMED_JSON, malformedDetail(text(value, start), e), topic, partition, offset, keyText,
                    text(value), null);
        }
    }

    /**
     * Reads the value from {@code start} as one JSON object and nothing after it, keeping the fields
     * the format reads.
     */
    private Fields readObject(byte[] value, int start) throws IOException, InvalidRecordException {
        try (JsonParser parser = startsLikeAnEncodingSignature(value, start)
                ? Json.MAPPER.createParser(text(value, start))
                : Json.MAPPER.createParser(value, start, value.length - start)) {
            return readObject(parser);
        }
    }

    private Fields readObject(JsonParser parser) throws IOException, InvalidRecordException {
        JsonToken first = parser.nextToken();
        Fields fields = null;
        if (first == JsonToken.START_OBJECT) {
            fields = new Fields(format.fields());
            fields.readObject(parser);
        } else {
            Fields.skipValue(parser);
        }
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new JsonParseException(
                    parser, "Trailing token (of type " + trailing + ") found after the JSON value",
                    parser.currentTokenLocation());
        }
        if (fields == null) {
            throw new InvalidRecordException(MALFORMED_JSON, "expected a JSON object, got " + kind(first));
        }
        return fields;
    }

    private static String kind(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase();
        };
    }

    /**
     * Whether the byte parser would take the bytes from {@code start} for a sign of their encoding:
     * a UTF-8 byte order mark (which it would skip; only one, already skipped, is ignored) or a zero
     * byte among the first four (UTF-16 or UTF-32). Such a value is read as text, as the characters
     * it holds.
     */
    private static boolean startsLikeAnEncodingSignature(byte[] value, int start) {
        if (Utf8.startsWithByteOrderMark(value, start)) {
            return true;
        }
        for (int i = start; i < Math.min(start + 4, value.length); i++) {
            if (value[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The detail of malformed JSON as the text parser gives it: the byte parser counts columns in
     * bytes and words some errors differently, so on this path the text is read once more.
     */
    private String malformedDetail(String text, IOException fromBytes) {
        try (JsonParser parser = Json.MAPPER.createParser(text)) {
            readObject(parser);
        } catch (IOException e) {
            return detail(e);
        } catch (InvalidRecordException e) {
            return e.getMessage();
        }
        return detail(fromBytes);
    }

    private static String detail(IOException e) {
        return e instanceof JsonProcessingException json
                ? json.getOriginalMessage() + location(json)
                : String.valueOf(e.getMessage());
    }

    /**
     * {@link String#isBlank} of the UTF-8 text from {@code start}; decodes it only if no ASCII
     * character decides.
     */
    private static boolean isBlank(byte[] utf8, int start) {
        for (int i = start; i < utf8.length; i++) {
            byte b = utf8[i];
            if (b < 0) {
                return text(utf8, start).isBlank();
            }
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static String text(byte[] utf8, int start) {
        return new String(utf8, start, utf8.length - start, StandardCharsets.UTF_8);
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
    }

    private Parsed<T> fail(
            DeadLetterReason reason,
            String detail,
            String topic,
            int partition,
            long offset,
            String key,
            String rawValue,
            String rawValueBase64) {
        return Parsed.failed(
                new DeadLetter(
                        reason, detail, topic, partition, offset, key, rawValue, rawValueBase64, job,
                        System.currentTimeMillis()));
    }
}
