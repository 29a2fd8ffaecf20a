package io.shopstream.generator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One Kafka record for an input topic: the contract's key (productId, customerId, customerId or
 * orderId) and the raw value bytes. A malformed record's value holds the bad bytes as they are;
 * an {@code EMPTY} one holds an empty array (never null).
 */
public record GeneratedRecord(Stream stream, byte[] key, byte[] value) {

    public String keyText() {
        return new String(key, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeneratedRecord r
                && stream == r.stream
                && Arrays.equals(key, r.key)
                && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * stream.hashCode() + Arrays.hashCode(key)) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        String text = new String(value, StandardCharsets.UTF_8);
        if (text.length() > 200) {
            text = text.substring(0, 197) + "...";
        }
        return stream + " " + keyText() + " " + text;
    }
}
