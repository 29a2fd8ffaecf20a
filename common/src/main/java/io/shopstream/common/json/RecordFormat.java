package io.shopstream.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/** Reads one record type from a JSON object, applying the contract's field rules. */
public interface RecordFormat<T> extends Serializable {

    /** Reads a record from a JSON object; throws with the contract's reason when it is not usable. */
    T read(JsonNode object) throws InvalidRecordException;

    /**
     * What a null value with the given key means: a tombstone (deletion) on a compacted reference
     * topic, or {@code null} if this topic has no tombstones (the record is then {@code EMPTY}).
     */
    default T tombstone(String key) {
        return null;
    }
}
