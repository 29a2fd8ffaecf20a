package io.shopstream.common.json;

import static io.shopstream.common.model.DeadLetterReason.EMPTY;
import static io.shopstream.common.model.DeadLetterReason.MALFORMED_JSON;
import static io.shopstream.common.model.DeadLetterReason.NOT_UTF8;
import static io.shopstream.common.model.DeadLetterReason.TOO_LARGE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.DeadLetterReason;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Turns the raw bytes of an input record into a {@link Parsed} value: a usable record, or a
 * {@link DeadLetter} with the contract's reason. It never throws for bad input, so a bad record
 * can neither fail a job nor vanish.
 *
 * <p>Checks run in the contract's order: size (the value is not read when too large), empty or
 * null (tombstone on reference topics), UTF-8, JSON syntax, JSON object, then the format's field
 * rules.
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
        String text;
        try {
            text = utf8Decoder().decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return fail(
                    NOT_UTF8, "value is not valid UTF-8", topic, partition, offset, keyText, null,
                    Base64.getEncoder().encodeToString(value));
        }
        if (text.isBlank()) {
            return fail(EMPTY, "blank value", topic, partition, offset, keyText, text, null);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return fail(MALFORMED_JSON, e.getOriginalMessage() + location(e), topic, partition, offset, keyText, text, null);
        } catch (IOException e) {
            return fail(MALFORMED_JSON, String.valueOf(e.getMessage()), topic, partition, offset, keyText, text, null);
        }
        if (node == null || !node.isObject()) {
            String kind = node == null ? "nothing" : node.getNodeType().name().toLowerCase();
            return fail(MALFORMED_JSON, "expected a JSON object, got " + kind, topic, partition, offset, keyText, text, null);
        }
        try {
            return Parsed.ok(format.read(node));
        } catch (InvalidRecordException e) {
            return fail(e.reason(), e.getMessage(), topic, partition, offset, keyText, text, null);
        }
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

    private static CharsetDecoder utf8Decoder() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
