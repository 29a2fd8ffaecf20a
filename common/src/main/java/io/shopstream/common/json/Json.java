package io.shopstream.common.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.shopstream.common.model.EnrichedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The suite's one Jackson setup (plain Jackson, never Flink's shaded copy). Thread-safe. */
public final class Json {

    /**
     * Strict reader: duplicate keys and trailing content are malformed input, numbers keep their
     * exact type so that {@code 2.0} is not mistaken for an integer.
     */
    public static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                    .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
                    .build();

    private Json() {}

    /**
     * Serializes an output record (a model record) to UTF-8 JSON bytes in field declaration order.
     * An enriched event, written for every event, takes a hand-written path with the same bytes.
     */
    public static byte[] write(Object value) {
        if (value instanceof EnrichedEvent event) {
            return EnrichedEventFormat.toJson(event);
        }
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }
}
